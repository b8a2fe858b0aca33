"""The gate from every side: the paths to a decision, pinned findings, 办审定分离, measures."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from sanxiang.cases.models import Case, NumberingRule, Procedure
from sanxiang.cases.services import case_transition, document_generate, no_penalty_propose
from sanxiang.cases.workflow.engine import TransitionRefused
from sanxiang.errors import DomainError
from sanxiang.org.models import RoleAssignment
from sanxiang.review.figures import figures_for
from sanxiang.review.models import CatalogueRule, Determination
from sanxiang.review.services import opinion_write, review_submit
from tests.cases.conftest import (
    attach_full_video,
    attach_hearing_recording,
    ready_case,
    set_basis,
)
from tests.conftest import prepare_step
from tests.review.conftest import declared_all, registered_with_file
from tests.review.test_review_flow import ALL_OK, submit, with_problem

pytestmark = pytest.mark.dates  # due dates counted from today (make test-year-end)


def test_the_finding_at_the_notice_holds_when_the_catalogue_changes_before_the_decision(
    client, staff, notified_case, django_user_model
):

    assert Determination.objects.get(case=notified_case, action="notify").required
    admin = django_user_model.objects.create_superuser("root", password="x" * 12)
    client.force_login(admin)
    rule = CatalogueRule.objects.get(agency=notified_case.agency, position=2)
    change = reverse("admin:review_cataloguerule_change", args=[rule.pk])
    form = {
        "agency": rule.agency_id,
        "position": rule.position,
        "title": rule.title,
        "procedure": rule.procedure,
        "basis": rule.basis,
        "penalty_kind": "",
        "case_flag": "",
        "min_amount_yuan": "",
        "category": "",
    }  # fmt: skip  (is_active left out: unticked)
    assert client.post(change, form).status_code == 302
    assert not CatalogueRule.objects.get(pk=rule.pk).is_active
    with pytest.raises(TransitionRefused, match=r"法定简易程序以外的行政处罚.*未经法制审核的"):
        case_transition(actor=staff.head, case_id=notified_case.pk, action="decide")


def test_collective_discussion_waits_for_the_review_too(staff, notified_case):
    Case.objects.filter(pk=notified_case.pk).update(complex_or_major=True)
    with pytest.raises(TransitionRefused, match="未经法制审核的，不得作出决定"):
        case_transition(actor=staff.head, case_id=notified_case.pk, action="discuss")
    review = submit(staff, notified_case)
    opinion_write(
        actor=staff.zhou, review_id=review.pk, points=ALL_OK, conclusion="agree", summary="同意"
    )
    case_transition(actor=staff.head, case_id=notified_case.pk, action="discuss")
    assert case_transition(actor=staff.head, case_id=notified_case.pk, action="decide").state == (
        "decided"
    )


def test_a_heard_case_is_reviewed_after_the_hearing_and_then_decided(staff, general_case, defaults):
    CatalogueRule.objects.filter(agency=defaults, position=2).update(is_active=False)
    Case.objects.filter(pk=general_case.pk).update(hearing_right=True)
    with time_machine.travel(date(2026, 5, 20), tick=False):
        registered_with_file(staff, general_case)
        prepare_step(staff.zhang, general_case.pk, "conclude")
        case_transition(actor=staff.zhang, case_id=general_case.pk, action="conclude")
        prepare_step(staff.zhang, general_case.pk, "notify")
        case_transition(actor=staff.zhang, case_id=general_case.pk, action="notify")
        prepare_step(staff.zhang, general_case.pk, "record_statement")
        case_transition(actor=staff.zhang, case_id=general_case.pk, action="record_statement")
    with time_machine.travel(date(2026, 5, 22), tick=False):
        case_transition(actor=staff.zhang, case_id=general_case.pk, action="request_hearing")
        case_transition(actor=staff.zhang, case_id=general_case.pk, action="notice_hearing")
    with time_machine.travel(date(2026, 6, 2), tick=False):
        attach_hearing_recording(staff, general_case)
        case_transition(actor=staff.head, case_id=general_case.pk, action="hold_hearing")
        # Only rule 6 (经过听证程序) brings this case into the catalogue, after the hearing.
        with pytest.raises(TransitionRefused, match="第6项 经过听证程序作出行政执法决定的"):
            case_transition(actor=staff.head, case_id=general_case.pk, action="decide")
        review = review_submit(
            actor=staff.zhang, case_id=general_case.pk, declared=declared_all(defaults),
            confirmed=True,
        )  # fmt: skip
        opinion_write(
            actor=staff.zhou, review_id=review.pk, points=ALL_OK, conclusion="agree",
            summary="同意",
        )  # fmt: skip
        decided = case_transition(actor=staff.head, case_id=general_case.pk, action="decide")
    assert decided.state == "decided"


def test_the_reviewer_does_not_decide_the_case_he_reviewed(staff, notified_case):
    RoleAssignment.objects.create(officer=staff.zhou, role="head")
    review = submit(staff, notified_case)
    opinion_write(
        actor=staff.zhou, review_id=review.pk, points=ALL_OK, conclusion="agree", summary="同意"
    )
    with pytest.raises(TransitionRefused, match="法制审核人员不得作出本案的决定"):
        case_transition(actor=staff.zhou, case_id=notified_case.pk, action="decide")
    RoleAssignment.objects.create(officer=staff.zhang, role="head")
    with pytest.raises(TransitionRefused, match="本案承办人不得批准或者作出本案的决定"):
        case_transition(actor=staff.zhang, case_id=notified_case.pk, action="decide")
    assert case_transition(actor=staff.head, case_id=notified_case.pk, action="decide").state == (
        "decided"
    )


def test_a_disputed_case_outside_the_catalogue_is_reviewed_and_must_then_pass(
    staff, general_case, defaults
):
    CatalogueRule.objects.filter(agency=defaults, position=2).update(is_active=False)
    registered_with_file(staff, general_case)
    prepare_step(staff.zhang, general_case.pk, "conclude")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="conclude")
    prepare_step(staff.zhang, general_case.pk, "notify")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="notify")
    prepare_step(staff.zhang, general_case.pk, "record_statement")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="record_statement")
    review = review_submit(
        actor=staff.zhang, case_id=general_case.pk, declared=declared_all(defaults),
        confirmed=True, disputed=True,
    )  # fmt: skip
    assert review.disputed and "存在争议" in review.need_reason
    # Even put back to 已事先告知 behind the services' back, the case cannot be decided now.
    Case.objects.filter(pk=general_case.pk).update(state="notified")
    with pytest.raises(TransitionRefused, match="法制审核尚未通过"):
        case_transition(actor=staff.head, case_id=general_case.pk, action="decide")


@pytest.fixture
def measure(staff, articles):
    agency = staff.zhang.unit.agency
    NumberingRule.objects.create(agency=agency, kind="coercive", prefix="测城强措")
    case = ready_case(staff, procedure=Procedure.COERCIVE_MEASURE, title="扣押无照经营工具")
    set_basis(staff, case, articles)
    return case


def test_a_measure_in_the_catalogue_is_approved_only_after_review(staff, measure, defaults):
    with pytest.raises(TransitionRefused, match=r"第1项 行政强制措施.*未经法制审核的"):
        case_transition(actor=staff.head, case_id=measure.pk, action="approve")
    attach_full_video(staff, measure)  # the evidence material of the submission
    review = review_submit(
        actor=staff.zhang, case_id=measure.pk, declared=declared_all(defaults), confirmed=True
    )
    opinion_write(
        actor=staff.zhou, review_id=review.pk, points=ALL_OK, conclusion="agree", summary="同意"
    )
    assert case_transition(actor=staff.head, case_id=measure.pk, action="approve").state == (
        "approved"
    )


def test_an_emergency_measure_is_counted_as_not_reviewed(staff, measure, defaults):
    attach_full_video(staff, measure)
    case_transition(actor=staff.zhang, case_id=measure.pk, action="enforce_urgently")
    case_transition(actor=staff.head, case_id=measure.pk, action="approve_afterwards")
    finding = Determination.objects.get(case=measure, action="approve_afterwards")
    assert finding.required
    figures = {
        f.label: f
        for f in figures_for(agency_id=defaults.pk, year=timezone.localdate().year).figures
    }
    coverage = figures["目录清单内决定（含不予处罚、批准查封扣押）经法制审核通过的比例"]
    assert coverage.value.startswith("0 / 1") and coverage.met is False
    # Named as such: one emergency measure approved without review, none reviewed first.
    emergencies = figures[
        "情况紧急当场实施的查封、扣押（须审核的）：补办批准前经法制审核的 / 未经审核即补办批准的"
    ]
    assert emergencies.value == "0 / 1" and emergencies.met is False


def test_no_penalty_in_the_catalogue_is_decided_only_after_review(staff, general_case, defaults):
    """000 四(三)4: a 不予处罚 decision outside the simple procedure goes through the gate too;
    with no penalty proposed, it goes to review from 调查终结 (no 事先告知)."""
    registered_with_file(staff, general_case)
    prepare_step(staff.zhang, general_case.pk, "conclude")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="conclude")
    no_penalty_propose(
        actor=staff.zhang, case_id=general_case.pk, ground="not_established",
        elements={"not_established": "现有证据不能证明当事人实施了该违法行为"},
    )  # fmt: skip
    with pytest.raises(TransitionRefused, match="未经法制审核的，不得作出决定"):
        case_transition(actor=staff.head, case_id=general_case.pk, action="no_penalty")
    review = review_submit(
        actor=staff.zhang, case_id=general_case.pk, declared=declared_all(defaults), confirmed=True
    )
    opinion_write(
        actor=staff.zhou, review_id=review.pk, points=ALL_OK, conclusion="agree", summary="同意"
    )
    document_generate(actor=staff.zhang, case_id=general_case.pk, kind="no_penalty_decision")
    case = case_transition(actor=staff.head, case_id=general_case.pk, action="no_penalty")
    assert case.state == "no_penalty"
    finding = Determination.objects.get(case=general_case, action="no_penalty")
    assert finding.required


def test_a_penalty_goes_to_review_only_after_the_notice(client, staff, general_case, defaults):
    registered_with_file(staff, general_case)
    Case.objects.filter(pk=general_case.pk).update(penalty_kinds=["fine"], fine_yuan=500)
    prepare_step(staff.zhang, general_case.pk, "conclude")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="conclude")
    with pytest.raises(DomainError, match="应当先事先告知并听取当事人的陈述、申辩"):
        review_submit(
            actor=staff.zhang, case_id=general_case.pk, declared=declared_all(defaults),
            confirmed=True,
        )  # fmt: skip
    assert Case.objects.get(pk=general_case.pk).state == "investigated"
    # The case page says so instead of linking to a submission that would be refused.
    client.force_login(staff.zhang.user)
    page = client.get(reverse("cases:detail", args=[general_case.pk])).content.decode()
    assert 'id="review-stopped"' in page and 'id="review-link"' not in page
    assert "应当先事先告知并听取当事人的陈述、申辩" in page


def test_the_case_page_refuses_a_decision_before_review(client, staff, notified_case):
    client.force_login(staff.head.user)
    response = client.post(
        reverse("cases:act", args=[notified_case.pk]), {"action": "decide"}, follow=True
    )
    assert "未经法制审核的，不得作出决定" in response.content.decode()
    assert Case.objects.get(pk=notified_case.pk).state == "notified"


def test_a_no_penalty_review_cannot_turn_into_a_penalty_without_a_notice(
    staff, general_case, defaults
):
    """Sent to review as 不予处罚 (no 事先告知): a fine cannot be proposed inside that review,
    since the party was never told of one (第四十四条) — the case would be left undecidable."""
    from decimal import Decimal

    from sanxiang.cases.services import Assessment, CaseRefused, case_assess

    registered_with_file(staff, general_case)
    prepare_step(staff.zhang, general_case.pk, "conclude")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="conclude")
    review = review_submit(
        actor=staff.zhang, case_id=general_case.pk, declared=declared_all(defaults), confirmed=True
    )
    opinion_write(
        actor=staff.zhou, review_id=review.pk, points=with_problem(), conclusion="problems",
        summary="应予处罚",
    )  # fmt: skip
    assert Case.objects.get(pk=general_case.pk).state == "under_review"
    with pytest.raises(CaseRefused, match="未经事先告知，审核中不能改为给予处罚"):
        case_assess(
            actor=staff.zhang, case_id=general_case.pk,
            assessment=Assessment(facts="占道经营", penalty_kinds=("fine",),
                                  fine_yuan=Decimal("500")),
        )  # fmt: skip
    assert Case.objects.get(pk=general_case.pk).fine_yuan is None


def test_an_emergency_measure_reviewed_within_its_24_hours_counts_as_reviewed(
    staff, measure, defaults
):
    """行政强制法第十九条: taken at once, reviewed within the 24 hours, then approved afterwards
    from 审核通过 — never approved (and taken) a second time."""
    attach_full_video(staff, measure)
    taken = case_transition(actor=staff.zhang, case_id=measure.pk, action="enforce_urgently")
    review = review_submit(
        actor=staff.zhang, case_id=measure.pk, declared=declared_all(defaults), confirmed=True
    )
    under_review = Case.objects.get(pk=measure.pk)
    assert under_review.state == "under_review"
    assert under_review.step_due_on == taken.step_due_on, "the 24-hour clock stays on the case"
    opinion_write(
        actor=staff.zhou, review_id=review.pk, points=ALL_OK, conclusion="agree", summary="同意"
    )
    with pytest.raises(TransitionRefused, match="已情况紧急当场实施，请补办批准或者解除"):
        case_transition(actor=staff.head, case_id=measure.pk, action="approve")
    approved = case_transition(actor=staff.head, case_id=measure.pk, action="approve_afterwards")
    assert approved.state == "in_force"
    assert approved.measure_taken_at == taken.measure_taken_at
    figures = {
        f.label: f
        for f in figures_for(agency_id=defaults.pk, year=timezone.localdate().year).figures
    }
    emergencies = figures[
        "情况紧急当场实施的查封、扣押（须审核的）：补办批准前经法制审核的 / 未经审核即补办批准的"
    ]
    assert emergencies.value == "1 / 0" and emergencies.met is True
