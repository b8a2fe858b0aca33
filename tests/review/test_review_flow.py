"""重大执法决定法制审核: submission, the written opinion, the answer loop, the gate."""

from __future__ import annotations

import pytest

from sanxiang.cases.models import Case
from sanxiang.cases.services import CaseRefused, case_transition, party_add
from sanxiang.cases.workflow.engine import TransitionRefused
from sanxiang.ledger.models import LedgerEntry
from sanxiang.review.models import (
    OPINION_POINTS,
    Determination,
    Opinion,
    Review,
    ReviewPolicy,
)
from sanxiang.review.services import (
    PointInput,
    ReviewRefused,
    answer_write,
    opinion_write,
    review_submit,
)
from tests.conftest import make_officer, prepare_step
from tests.review.conftest import declared_all

pytestmark = pytest.mark.dates  # due dates counted from today (make test-year-end)


ALL_OK = {code: PointInput("ok", f"经审查，{label}：符合规定。") for code, label in OPINION_POINTS}


def with_problem(point="evidence", text="现场照片未载明拍摄时间，证据不充分"):
    return {**ALL_OK, point: PointInput("problem", text)}


def submit(staff, case):
    return review_submit(
        actor=staff.zhang,
        case_id=case.pk,
        declared=declared_all(case.agency),
        confirmed=True,
    )


def state(case) -> str:
    """The case's state; under 法制审核, with the state of its review (the sub-process)."""
    stored = Case.objects.get(pk=case.pk).state
    if stored != "under_review":
        return stored
    return f"under_review.{Review.objects.get(case_id=case.pk).status}"


def test_a_submission_missing_materials_is_refused_with_what_is_missing(staff, notified_case):
    with pytest.raises(ReviewRefused) as refused:
        review_submit(actor=staff.zhang, case_id=notified_case.pk, declared=set(), confirmed=True)
    assert "送审材料不全" in refused.value.message
    assert "案件调查终结报告" in refused.value.message
    assert "立案审批表" not in refused.value.message  # generated in the case already
    assert not Review.objects.exists()
    assert state(notified_case) == "notified"


def test_a_submission_needs_the_handlers_statement(staff, notified_case):
    with pytest.raises(ReviewRefused, match="确认送审承诺"):
        review_submit(
            actor=staff.zhang,
            case_id=notified_case.pk,
            declared=declared_all(notified_case.agency),
            confirmed=False,
        )
    assert not Review.objects.exists()


def test_submission_records_the_statement_and_assigns_a_reviewer_who_never_handled_it(
    staff, notified_case
):
    review = submit(staff, notified_case)
    assert review.reviewer == staff.zhou
    assert "第2项 法定简易程序以外的行政处罚" in review.need_reason
    assert state(notified_case) == "under_review.under_review"
    event = LedgerEntry.objects.get(action="review.review.submitted")
    assert event.object_id == str(review.pk)
    assert review.rounds.get().statement.startswith("承办机构对送审材料的真实性")


def test_a_reviewer_who_once_acted_on_the_case_is_never_assigned_to_it(
    staff, general_case, defaults
):
    """办、审分离: 吴敏 recorded a party while at 执法一大队, then moved to 法制科."""
    from sanxiang.cases.services import document_generate, handlers_set
    from sanxiang.org.models import RoleAssignment

    squad = staff.zhang.unit
    wu = make_officer(unit=squad, name="吴敏", number="99010012099")
    wu.user = type(staff.zhang.user).objects.create_user("wumin", password="x" * 12)
    wu.save()
    handlers_set(actor=staff.zhang, case_id=general_case.pk, officers=[staff.zhang, wu])
    party_add(
        actor=wu, case_id=general_case.pk, kind="person", name="证人家属",
        identifier="110105198001010016", address="测试市人民路 3 号",
    )  # fmt: skip
    handlers_set(actor=staff.zhang, case_id=general_case.pk, officers=[staff.zhang, staff.li])
    wu.unit = general_case.agency.units.get(name="法制科")
    wu.save()
    RoleAssignment.objects.filter(officer=wu).delete()
    RoleAssignment.objects.create(officer=wu, role="reviewer")
    staff.zhou.is_active = False
    staff.zhou.save()
    case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    general_case.refresh_from_db()
    from tests.cases.conftest import attach_record

    attach_record(staff, general_case)
    document_generate(actor=staff.zhang, case_id=general_case.pk, kind="registration")
    prepare_step(staff.zhang, general_case.pk, "conclude")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="conclude")
    prepare_step(staff.zhang, general_case.pk, "notify")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="notify")
    prepare_step(staff.zhang, general_case.pk, "record_statement")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="record_statement")
    with pytest.raises(ReviewRefused, match="未参与办理本案"):
        submit(staff, general_case)
    staff.zhou.is_active = True
    staff.zhou.save()
    assert submit(staff, general_case).reviewer == staff.zhou


def test_the_agency_may_keep_reviewers_off_their_own_units_cases(staff, notified_case, agency):
    # A small agency's 法制科 handles some cases itself; the agency may forbid it to review them.
    Case.objects.filter(pk=notified_case.pk).update(unit=agency.units.get(name="法制科"))
    ReviewPolicy.objects.filter(agency=agency).update(exclude_own_unit=True)
    with pytest.raises(ReviewRefused, match="不属于本案承办机构"):
        submit(staff, notified_case)
    ReviewPolicy.objects.filter(agency=agency).update(exclude_own_unit=False)
    assert submit(staff, notified_case).reviewer == staff.zhou


def test_without_an_eligible_reviewer_the_submission_is_refused(staff, notified_case):
    staff.zhou.is_active = False
    staff.zhou.save()
    with pytest.raises(ReviewRefused, match="没有可以审核本案的法制审核人员"):
        submit(staff, notified_case)
    assert state(notified_case) == "notified"


def test_an_opinion_must_answer_every_point_and_give_reasons_for_each_problem(staff, notified_case):
    review = submit(staff, notified_case)
    incomplete = {k: v for k, v in ALL_OK.items() if k != "discretion"}
    with pytest.raises(ReviewRefused, match="裁量基准运用是否适当"):
        opinion_write(
            actor=staff.zhou, review_id=review.pk, points=incomplete, conclusion="agree",
            summary="同意",
        )  # fmt: skip
    blank = with_problem(point="law", text="  ")
    with pytest.raises(ReviewRefused, match=r"存在问题的审核事项须写明问题和理由.*适用法律"):
        opinion_write(
            actor=staff.zhou, review_id=review.pk, points=blank, conclusion="problems",
            summary="存在问题",
        )  # fmt: skip
    with pytest.raises(ReviewRefused, match="不能为“同意”"):
        opinion_write(
            actor=staff.zhou, review_id=review.pk, points=with_problem(), conclusion="agree",
            summary="同意",
        )  # fmt: skip
    assert not Opinion.objects.exists()
    assert state(notified_case) == "under_review.under_review"


def test_a_point_that_passed_needs_no_reasons(staff, notified_case):
    review = submit(staff, notified_case)
    unreasoned = {code: PointInput("ok", "") for code, _ in OPINION_POINTS}
    unreasoned["crime"] = PointInput("na", "")
    written = opinion_write(
        actor=staff.zhou, review_id=review.pk, points=unreasoned, conclusion="agree",
        summary="同意",
    )  # fmt: skip
    assert {p.point: p.reasoning for p in written.points.all()}["law"] == ""
    assert state(notified_case) == "under_review.passed"


def test_only_the_assigned_reviewer_writes_the_opinion(staff, notified_case):
    review = submit(staff, notified_case)
    for someone in (staff.zhang, staff.head):
        with pytest.raises(ReviewRefused, match="只有分配的法制审核人员"):
            opinion_write(
                actor=someone, review_id=review.pk, points=ALL_OK, conclusion="agree",
                summary="同意",
            )  # fmt: skip


def test_problems_go_back_to_the_handlers_who_answer_and_resubmit_until_it_passes(
    staff, notified_case
):
    review = submit(staff, notified_case)
    opinion_write(
        actor=staff.zhou, review_id=review.pk, points=with_problem(), conclusion="problems",
        summary="证据不充分，请补充。",
    )  # fmt: skip
    assert state(notified_case) == "under_review.returned"
    with pytest.raises(TransitionRefused, match="审核通过”后方可进行“作出行政处罚决定”"):
        case_transition(actor=staff.head, case_id=notified_case.pk, action="decide")
    with pytest.raises(ReviewRefused, match="研究意见和处理情况"):
        answer_write(
            actor=staff.zhang, review_id=review.pk, accepted=True, study="", action="",
            declared=declared_all(notified_case.agency),
        )  # fmt: skip
    answer_write(
        actor=staff.zhang, review_id=review.pk, accepted=True,
        study="同意审核意见。", action="已补充带时间水印的现场照片。",
        declared=declared_all(notified_case.agency),
    )  # fmt: skip
    assert state(notified_case) == "under_review.under_review"
    opinion_write(
        actor=staff.zhou, review_id=review.pk, points=ALL_OK, conclusion="agree",
        summary="事实清楚，证据充分，同意。",
    )  # fmt: skip
    assert state(notified_case) == "under_review.passed"
    review.refresh_from_db()
    assert review.rounds.count() == 2
    decided = case_transition(actor=staff.head, case_id=notified_case.pk, action="decide")
    assert decided.state == "decided"
    finding = Determination.objects.get(case=notified_case, action="decide")
    assert finding.required and finding.rules[0]["title"] == "法定简易程序以外的行政处罚"
    assert LedgerEntry.objects.filter(
        action="review.determination.recorded", object_id=str(notified_case.pk)
    ).exists()


def test_what_was_reviewed_is_what_is_decided(staff, notified_case):
    from sanxiang.cases.services import CaseRefused

    review = submit(staff, notified_case)
    with pytest.raises(CaseRefused, match="不能再登记当事人"):
        party_add(
            actor=staff.zhang, case_id=notified_case.pk, kind="person", name="另一当事人",
            identifier="110105198001010016", address="测试市人民路 2 号",
        )  # fmt: skip
    opinion_write(
        actor=staff.zhou, review_id=review.pk, points=ALL_OK, conclusion="agree", summary="同意"
    )
    # Changed behind the services' back after the pass: the decision is still refused.
    Case.objects.filter(pk=notified_case.pk).update(facts="改过的事实")
    with pytest.raises(TransitionRefused, match="与通过法制审核时不一致"):
        case_transition(actor=staff.head, case_id=notified_case.pk, action="decide")


def test_no_way_around_the_gate_at_service_level(staff, notified_case):
    with pytest.raises(TransitionRefused, match="未经法制审核的，不得作出决定"):
        case_transition(actor=staff.head, case_id=notified_case.pk, action="decide")
    with pytest.raises(TransitionRefused, match="请在“提交法制审核”页面"):
        case_transition(actor=staff.zhang, case_id=notified_case.pk, action="submit_review")
    review = submit(staff, notified_case)
    # The reviewer's steps are the review's own (its sub-process), never case steps.
    with pytest.raises(CaseRefused, match="没有这个办案步骤"):
        case_transition(actor=staff.zhou, case_id=notified_case.pk, action="pass_review")
    with pytest.raises(TransitionRefused, match="审核通过”后方可进行“作出行政处罚决定”"):
        case_transition(actor=staff.head, case_id=notified_case.pk, action="decide")
    # Even a status forced in the database does not open the way to the decision: the exit
    # also asks the written record.
    Review.objects.filter(pk=review.pk).update(status="passed")
    with pytest.raises(TransitionRefused, match="法制审核尚未通过（没有同意的书面审核意见"):
        case_transition(actor=staff.head, case_id=notified_case.pk, action="decide")
    assert Case.objects.get(pk=notified_case.pk).state == "under_review"


def test_a_case_outside_the_catalogue_goes_to_review_only_when_disputed(
    staff, general_case, defaults
):
    from sanxiang.review.models import CatalogueRule

    CatalogueRule.objects.filter(agency=defaults, position=2).update(is_active=False)
    case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    prepare_step(staff.zhang, general_case.pk, "conclude")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="conclude")
    prepare_step(staff.zhang, general_case.pk, "notify")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="notify")
    prepare_step(staff.zhang, general_case.pk, "record_statement")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="record_statement")
    Case.objects.filter(pk=general_case.pk).update(number=None)  # no materials to find
    with pytest.raises(ReviewRefused, match="不属于本机关法制审核目录清单事项"):
        review_submit(actor=staff.zhang, case_id=general_case.pk, declared=set(), confirmed=True)


def test_an_opinion_is_never_edited(staff, notified_case):
    from django.db import DatabaseError, transaction

    review = submit(staff, notified_case)
    opinion = opinion_write(
        actor=staff.zhou, review_id=review.pk, points=ALL_OK, conclusion="agree", summary="同意"
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        Opinion.objects.filter(pk=opinion.pk).update(summary="改过的意见")


def test_ledger_verify_rechecks_every_opinion_and_finds_one_changed_behind_the_triggers(
    staff, notified_case
):
    from django.db import connection

    from sanxiang.ledger.verify import verify_ledger
    from tests.ledger.conftest import lift_triggers

    review = submit(staff, notified_case)
    opinion = opinion_write(
        actor=staff.zhou, review_id=review.pk, points=with_problem(), conclusion="problems",
        summary="证据不充分。",
    )  # fmt: skip
    assert not verify_ledger().problem
    lift_triggers(("review_opinionpoint",))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE review_opinionpoint SET conclusion = 'ok', reasoning = '符合'"
            " WHERE opinion_id = %s AND point = 'evidence'",
            [opinion.pk],
        )
    assert f"review {review.pk}: no stored opinion record matches its event" in (
        verify_ledger().problem or ""
    )
