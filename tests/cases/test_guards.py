"""Every guard: a case it lets through and a case it stops, named after the rule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from sanxiang.cases.services import CaseRefused, case_open, case_transition
from sanxiang.cases.workflow.engine import TransitionRefused
from tests.cases.conftest import catalogue_rule, new_case, ready_case
from tests.conftest import prepare_step

pytestmark = pytest.mark.dates  # due dates counted from today (make test-year-end)

TODAY = date(2026, 5, 20)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def registered(staff, case) -> bool:
    return (
        case_transition(actor=staff.head, case_id=case.pk, action="register").state
        == "investigating"
    )


def refused(staff_member, case, action) -> str:
    with pytest.raises(TransitionRefused) as caught:
        case_transition(actor=staff_member, case_id=case.pk, action=action)
    return caught.value.message


# 行政处罚法第四十二条、第五十五条 ------------------------------------------------------------


def test_registering_needs_two_handlers_with_valid_certificates_for_the_category(
    staff, general_case
):

    general_case.handlers.remove(staff.li)
    assert "两名以上持有今日有效" in refused(staff.head, general_case, "register")
    general_case.handlers.add(staff.wang)  # certified, but for 市场监管
    assert "目前只有 1 名" in refused(staff.head, general_case, "register")
    general_case.handlers.add(staff.li)
    assert (
        case_transition(actor=staff.head, case_id=general_case.pk, action="register").state
        == "investigating"
    )


def test_an_expired_certificate_does_not_count(staff, general_case):
    certificate = staff.li.certificates.get()
    certificate.valid_until = date(2026, 5, 19)
    certificate.save()
    message = refused(staff.head, general_case, "register")
    assert "行政处罚法第四十二条、第五十五条" in message


# 办、审分离 ---------------------------------------------------------------------------------


def test_a_legal_reviewer_cannot_be_a_handler(staff, general_case):
    general_case.handlers.add(staff.zhou)
    assert "法制审核人员不得承办案件（周婷）" in refused(staff.head, general_case, "register")


# 行政处罚法第三十六条 ------------------------------------------------------------------------


def test_a_violation_undiscovered_for_two_years_is_not_penalised(staff):
    """第三十六条: counted from the act to its discovery (the clue), not to 立案."""
    late = ready_case(staff, violation_on=date(2024, 5, 19), clue_received_on=date(2026, 5, 20))
    assert "发现时已超过 2 年" in refused(staff.head, late, "register")


def test_a_violation_discovered_in_time_may_be_registered_later(staff):
    with time_machine.travel(date(2026, 6, 10), tick=False):
        case = ready_case(staff, violation_on=date(2024, 5, 19), clue_received_on=date(2026, 5, 18))
        assert registered(staff, case)


def test_five_years_when_life_or_health_is_endangered_and_harm_resulted(staff):
    case = ready_case(
        staff,
        violation_on=date(2023, 1, 10),
        clue_received_on=date(2026, 5, 1),
        endangers_life_health_or_finance=True,
        caused_harm=True,
    )
    assert registered(staff, case)


def test_a_continuing_violation_counts_from_its_end(staff):
    case = ready_case(
        staff,
        violation_on=date(2023, 1, 10),
        violation_ended_on=date(2025, 1, 1),
        clue_received_on=date(2026, 5, 1),
    )
    assert registered(staff, case)


# 行政处罚法第五十一条 -------------------------------------------------------------------------


def test_penalty_up_to_200_yuan_for_a_citizen_can_be_decided_on_the_spot(staff, on_spot_case):
    case = case_transition(
        actor=staff.zhang,
        case_id=on_spot_case("person", Decimal("200")).pk,
        action="decide_on_spot",
    )
    assert case.state == "served" and case.number == "测城当罚〔2026〕1号"


def test_penalty_over_200_yuan_for_a_citizen_cannot_use_simple_procedure(staff, on_spot_case):
    message = refused(staff.zhang, on_spot_case("person", Decimal("200.01")), "decide_on_spot")
    assert (
        "超过当场处罚限额" in message
        and "行政处罚法第五十一条" in message
        and "一般程序" in message
    )


def test_penalty_over_3000_yuan_for_company_cannot_use_simple_procedure(staff, on_spot_case):
    assert (
        case_transition(
            actor=staff.zhang,
            case_id=on_spot_case("organisation", Decimal("3000")).pk,
            action="decide_on_spot",
        ).state
        == "served"
    )
    assert "超过当场处罚限额" in refused(
        staff.zhang, on_spot_case("organisation", Decimal("3000.50")), "decide_on_spot"
    )


def test_a_warning_can_always_be_given_on_the_spot(staff, on_spot_case):
    case = on_spot_case("person", None, warning_only=True)
    assert (
        case_transition(actor=staff.zhang, case_id=case.pk, action="decide_on_spot").state
        == "served"
    )


# 行政处罚法第四十条、第五十九条 ----------------------------------------------------------------


def test_investigation_cannot_end_without_facts(staff, general_case):
    case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    general_case.refresh_from_db()
    type(general_case).objects.filter(pk=general_case.pk).update(facts="")
    assert "请先写明违法事实" in refused(staff.zhang, general_case, "conclude")


def test_registering_needs_a_party(staff):
    case = case_open(actor=staff.zhang, new=new_case())
    case.handlers.add(staff.li)
    assert refused(staff.head, case, "register") == "请先登记当事人（行政处罚法第五十九条）"


# 行政处罚法第五十八条: the review gate --------------------------------------------------------


def test_a_case_in_the_review_catalogue_is_not_decided_without_a_passed_review(staff, general_case):
    catalogue_rule(staff.zhang.unit.agency)  # 厦城执法〔2019〕5号: every general penalty
    case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    prepare_step(staff.zhang, general_case.pk, "conclude")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="conclude")
    prepare_step(staff.zhang, general_case.pk, "notify")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="notify")
    prepare_step(staff.zhang, general_case.pk, "record_statement")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="record_statement")
    message = refused(staff.head, general_case, "decide")
    assert "属于法制审核目录清单事项：第5项 法定简易程序以外的行政处罚" in message
    assert message.endswith("未经法制审核的，不得作出决定（行政处罚法第五十八条）")


def test_review_steps_cannot_be_taken_around_the_review_pages(staff, general_case):
    catalogue_rule(staff.zhang.unit.agency)
    case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    prepare_step(staff.zhang, general_case.pk, "conclude")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="conclude")
    prepare_step(staff.zhang, general_case.pk, "notify")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="notify")
    prepare_step(staff.zhang, general_case.pk, "record_statement")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="record_statement")
    assert "请在“提交法制审核”页面" in refused(staff.zhang, general_case, "submit_review")
    # The reviewer's steps belong to the 法制审核 sub-process, not to the case.
    with pytest.raises(CaseRefused, match="没有这个办案步骤"):
        case_transition(actor=staff.zhou, case_id=general_case.pk, action="pass_review")


def test_a_case_outside_the_review_catalogue_is_decided_without_review(staff, general_case):
    case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    prepare_step(staff.zhang, general_case.pk, "conclude")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="conclude")
    prepare_step(staff.zhang, general_case.pk, "notify")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="notify")
    prepare_step(staff.zhang, general_case.pk, "record_statement")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="record_statement")
    case = case_transition(actor=staff.head, case_id=general_case.pk, action="decide")
    assert case.state == "decided"


def test_an_agency_without_a_catalogue_reviews_everything(staff, general_case, statutory_catalogue):
    for rule in statutory_catalogue:
        rule.delete()
    case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    prepare_step(staff.zhang, general_case.pk, "conclude")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="conclude")
    prepare_step(staff.zhang, general_case.pk, "notify")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="notify")
    prepare_step(staff.zhang, general_case.pk, "record_statement")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="record_statement")
    assert "尚未制定法制审核目录清单" in refused(staff.head, general_case, "decide")


# 行政处罚法第六十条 ---------------------------------------------------------------------------


def test_a_decision_after_90_days_from_registration_is_refused(staff, general_case):
    case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    prepare_step(staff.zhang, general_case.pk, "conclude")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="conclude")
    prepare_step(staff.zhang, general_case.pk, "notify")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="notify")
    prepare_step(staff.zhang, general_case.pk, "record_statement")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="record_statement")
    with time_machine.travel(date(2026, 8, 19), tick=False):
        assert "已超过作出决定的期限（2026年08月18日）" in refused(
            staff.head, general_case, "decide"
        )
    case = case_transition(actor=staff.head, case_id=general_case.pk, action="decide")
    assert case.state == "decided"


def test_a_warning_cannot_carry_a_fine(staff, on_spot_case):
    case = on_spot_case("person", Decimal("5000"), warning_only=True)
    assert "仅警告时不能同时罚款" in refused(staff.zhang, case, "decide_on_spot")


def test_an_on_the_spot_decision_needs_stated_facts(staff, on_spot_case):
    case = on_spot_case("person", Decimal("50"))
    type(case).objects.filter(pk=case.pk).update(facts="")
    assert "请先写明违法事实" in refused(staff.zhang, case, "decide_on_spot")


def test_handlers_cannot_change_after_the_investigation(staff, general_case):
    """A former investigator can never become the hearing's host (第六十四条第四项)."""
    from sanxiang.cases.services import CaseRefused, handlers_set

    case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    prepare_step(staff.zhang, general_case.pk, "conclude")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="conclude")
    with pytest.raises(CaseRefused, match="调查终结后不能再更换承办人"):
        handlers_set(actor=staff.head, case_id=general_case.pk, officers=[staff.li, staff.wang])


def test_only_a_head_appoints_handlers_from_another_unit(staff, general_case, agency):
    from sanxiang.cases.services import CaseRefused, handlers_set
    from sanxiang.org.models import Unit
    from tests.conftest import make_officer

    other = make_officer(
        unit=Unit.objects.create(agency=agency, name="执法二大队"),
        name="陈明",
        number="99010012077",
    )
    with pytest.raises(CaseRefused, match="须由负责人办理"):
        handlers_set(actor=staff.zhang, case_id=general_case.pk, officers=[staff.zhang, other])
    handlers_set(actor=staff.head, case_id=general_case.pk, officers=[staff.zhang, other])


# 行政处罚法第四十五条: the party is heard before the decision -------------------------------------


def test_no_decision_while_the_party_may_still_state_his_case(staff, general_case):
    with time_machine.travel(date(2026, 5, 20), tick=False):
        case_transition(actor=staff.head, case_id=general_case.pk, action="register")
        prepare_step(staff.zhang, general_case.pk, "conclude")
        case_transition(actor=staff.zhang, case_id=general_case.pk, action="conclude")
        prepare_step(staff.zhang, general_case.pk, "notify")
        case_transition(actor=staff.zhang, case_id=general_case.pk, action="notify")
        assert "当事人陈述、申辩的期限至 2026年05月27日 届满" in refused(
            staff.head, general_case, "decide"
        )
    with time_machine.travel(date(2026, 5, 28), tick=False):
        assert case_transition(actor=staff.head, case_id=general_case.pk, action="decide").state
    assert type(general_case).objects.get(pk=general_case.pk).state == "decided"


def test_a_recorded_statement_or_waiver_ends_the_wait_and_keeps_the_hearing_window(
    staff, general_case
):
    type(general_case).objects.filter(pk=general_case.pk).update(hearing_right=True)
    with time_machine.travel(date(2026, 5, 20), tick=False):
        case_transition(actor=staff.head, case_id=general_case.pk, action="register")
        prepare_step(staff.zhang, general_case.pk, "conclude")
        case_transition(actor=staff.zhang, case_id=general_case.pk, action="conclude")
        prepare_step(staff.zhang, general_case.pk, "notify")
        case_transition(actor=staff.zhang, case_id=general_case.pk, action="notify")
        prepare_step(staff.zhang, general_case.pk, "record_statement")
        case = case_transition(
            actor=staff.zhang, case_id=general_case.pk, action="record_statement"
        )
        assert case.state == "notified" and case.step_due_on == date(2026, 5, 27)
        # Stated, but the five days to ask for a hearing still run (第六十四条).
        assert "届满前不得作出决定" in refused(staff.head, general_case, "decide")


def test_the_on_spot_guard_reads_the_one_article_51_limit(staff, on_spot_case):
    from sanxiang.cases.fines import ON_SPOT_LIMITS

    for kind in ("person", "organisation"):
        limit = ON_SPOT_LIMITS.for_party(kind)
        message = refused(
            staff.zhang, on_spot_case(kind, limit + Decimal("0.01")), "decide_on_spot"
        )
        assert f"超过当场处罚限额（{ON_SPOT_LIMITS.text()}）" in message
        decided = case_transition(
            actor=staff.zhang, case_id=on_spot_case(kind, limit).pk, action="decide_on_spot"
        )
        assert decided.state == "served"
