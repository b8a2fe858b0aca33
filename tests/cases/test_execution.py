"""执行: what the party owes and pays, 暂缓或者分期缴纳, 复议/诉讼, 催告 and 申请人民法院强制执行,
and the guards on 执行完毕 and 结案 — each a case it lets through and a case it stops."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from sanxiang.cases import execution
from sanxiang.cases.fines import Account
from sanxiang.cases.models import Case, Payment, PaymentSchedule
from sanxiang.cases.public import remedy_outcomes
from sanxiang.cases.services import (
    Assessment,
    CaseRefused,
    case_assess,
    case_transition,
    court_application_record,
    document_generate,
    execution_step_record,
    payment_record,
    remedy_record,
    remedy_step_record,
    schedule_approve,
)
from sanxiang.cases.workflow.engine import TransitionRefused
from sanxiang.core.deadlines import Months
from sanxiang.core.selectors import get_calendar
from sanxiang.ledger.models import LedgerEntry
from tests.cases.conftest import set_basis
from tests.conftest import prepare_step

pytestmark = pytest.mark.dates  # due dates counted from today (make test-year-end)


SERVED = date(2026, 5, 20)  # 收到决定书; 第六十七条: pay by 2026-06-04
DUE = date(2026, 6, 4)


# 行政强制法第五十三条: three months after the six months of 行政诉讼法第四十六条 lapse (11-20).
def court_until() -> date:
    return Months(3).due(date(2026, 11, 20), get_calendar())


def served(staff, case, articles, *, fine="1000", kinds=("fine",)):
    """A general-procedure case decided and served on SERVED."""
    set_basis(staff, case, articles)
    case_assess(
        actor=staff.zhang,
        case_id=case.pk,
        assessment=Assessment(
            facts=case.facts,
            penalty_kinds=kinds,
            fine_yuan=Decimal(fine) if "fine" in kinds else None,
        ),
    )
    with time_machine.travel(SERVED, tick=False):
        for actor, action in ((staff.head, "register"), (staff.zhang, "conclude"),
                              (staff.zhang, "notify"), (staff.zhang, "record_statement"),
                              (staff.head, "decide")):  # fmt: skip
            prepare_step(actor, case.pk, action)
            case_transition(actor=actor, case_id=case.pk, action=action)
        document_generate(actor=staff.zhang, case_id=case.pk, kind="decision")
        prepare_step(staff.zhang, case.pk, "serve")
        case_transition(actor=staff.zhang, case_id=case.pk, action="serve")
    return Case.objects.get(pk=case.pk)


def case_account(case, on) -> Account:
    money = execution.case_account(case, on)
    assert money is not None
    return money


def periods(case, calendar) -> execution.Periods:
    found = execution.periods(case, calendar)
    assert found is not None
    return found


def step(actor, case, action, on):
    with time_machine.travel(on, tick=False):
        prepare_step(actor, case.pk, action)
        return case_transition(actor=actor, case_id=case.pk, action=action)


def refused(actor, case, action, on) -> str:
    via = "execution" if action == "apply_court" else ""
    with time_machine.travel(on, tick=False), pytest.raises(TransitionRefused) as caught:
        case_transition(actor=actor, case_id=case.pk, action=action, via=via)
    return caught.value.message


def pay(staff, case, amount, on, receipt, channel="non_tax", **extra):
    with time_machine.travel(on, tick=False):
        return payment_record(
            actor=staff.zhang, case_id=case.pk, paid_on=on, amount=amount,
            channel=channel, receipt_number=receipt, **extra,
        )  # fmt: skip


def remedy(staff, case, filed_on, kind="reconsideration"):
    with time_machine.travel(filed_on, tick=False):
        return remedy_record(
            actor=staff.zhang, case_id=case.pk, kind=kind, filed_on=filed_on,
            body="测试市人民政府", reference="测府复〔2026〕8号",
        )  # fmt: skip


def outcome(staff, case, found, on, result, **extra):
    with time_machine.travel(on, tick=False):
        return remedy_step_record(
            actor=staff.zhang, case_id=case.pk, remedy_id=found.pk, kind="outcome",
            decided_on=on, outcome=result, **extra,
        )  # fmt: skip


# 缴款 and 加处罚款 (行政处罚法第六十七条、第七十二条、第七十三条第三款)


def test_the_late_fee_stops_while_reconsideration_is_pending_and_payment_settles_it(
    staff, general_case, articles
):
    case = served(staff, general_case, articles)
    assert case.payment_due_on == DUE
    filed = remedy(staff, case, date(2026, 6, 10))
    outcome(staff, case, filed, date(2026, 6, 20), "upheld")
    money = case_account(case, date(2026, 6, 30))
    # 6-5 … 6-30 is 26 days; 6-10 … 6-20 (11 days) do not count: 15 × 3% × 1000.
    assert (money.late_days, money.late_fee, money.owed) == (
        15,
        Decimal("450.00"),
        Decimal("1450.00"),
    )
    pay(staff, case, "1450.00", date(2026, 6, 30), "非税-2026-0001")
    assert case_account(case, date(2026, 7, 31)).outstanding == 0
    assert step(staff.zhang, case, "execute", date(2026, 7, 1)).state == "executed"


@pytest.mark.parametrize(
    ("amount", "why"),
    [
        ("一千元", "不是有效的金额"),
        ("-5", "大于零"),
        ("0", "大于零"),
        ("10.001", "最多两位小数"),
        ("NaN", "不是有效的金额"),
        ("1e3", "不是有效的金额"),
        ("9" * 20, "不能达到或超过"),
        (None, "请填写缴款金额"),
        ("1000.01", "超过"),
    ],
)
def test_a_payment_that_is_not_money_or_more_than_owed_is_refused_and_changes_nothing(
    staff, general_case, articles, amount, why
):
    case = served(staff, general_case, articles)
    events = LedgerEntry.objects.count()
    with pytest.raises(CaseRefused, match=why):
        pay(staff, case, amount, DUE, "非税-2026-0002")
    assert not Payment.objects.exists() and LedgerEntry.objects.count() == events


def test_the_same_receipt_is_not_recorded_twice(staff, general_case, articles):
    case = served(staff, general_case, articles)
    pay(staff, case, "400", DUE, "非税-2026-0003")
    with pytest.raises(CaseRefused, match="已登记"):
        pay(staff, case, "100", DUE, "非税-2026-0003")
    assert case_account(case, DUE).paid == Decimal("400.00")


def test_partial_payment_leaves_execution_refused_until_all_is_paid(staff, general_case, articles):
    """fully_executed: 罚款 and 加处罚款 paid in full."""
    case = served(staff, general_case, articles)
    pay(staff, case, "600", DUE, "非税-2026-0004")
    assert "尚欠罚款及加处罚款 400.00 元" in refused(staff.zhang, case, "execute", DUE)
    pay(staff, case, "400", DUE, "非税-2026-0005")
    assert step(staff.zhang, case, "execute", DUE).state == "executed"


# 暂缓或者分期缴纳 (行政处罚法第六十六条第二款)


def test_instalments_move_the_due_dates_and_each_late_instalment_grows_by_itself(
    staff, general_case, articles
):
    case = served(staff, general_case, articles)
    parts: list[tuple[date, object]] = [
        (date(2026, 6, 30), "500.00"),
        (date(2026, 7, 31), "500.00"),
    ]
    with time_machine.travel(date(2026, 6, 1), tick=False):
        with pytest.raises(CaseRefused, match="负责人批准"):
            schedule_approve(
                actor=staff.zhang, case_id=case.pk, kind="instalments",
                applied_on=date(2026, 6, 1), reason="经营困难", instalments=parts,
            )  # fmt: skip
        with pytest.raises(CaseRefused, match=r"应当等于罚款 1000\.00 元"):
            schedule_approve(
                actor=staff.head, case_id=case.pk, kind="instalments",
                applied_on=date(2026, 6, 1), reason="经营困难",
                instalments=[parts[0], (date(2026, 7, 31), "400.00")],
            )  # fmt: skip
        schedule_approve(
            actor=staff.head, case_id=case.pk, kind="instalments",
            applied_on=date(2026, 6, 1), reason="经营困难，提供了亏损报表", instalments=parts,
        )  # fmt: skip
    case.refresh_from_db()
    assert case.payment_due_on == date(2026, 7, 31)
    assert case.step_due_on == date(2026, 6, 30) and "第六十六条第二款" in case.step_due_basis
    # The first instalment is paid on time: no late fee, and the next one is due.
    pay(staff, case, "500", date(2026, 6, 30), "非税-2026-0006")
    case.refresh_from_db()
    assert case.step_due_on == date(2026, 7, 31)
    assert "缴纳期限（2026年07月31日）尚未届满" in refused(
        staff.zhang, case, "demand", date(2026, 7, 20)
    )
    # The second is five days late: 3% a day of that instalment, 500 × 15% = 75.
    money = case_account(case, date(2026, 8, 5))
    assert (money.late_fee, money.outstanding) == (Decimal("75.00"), Decimal("575.00"))


def test_an_application_after_the_time_to_pay_is_refused(staff, general_case, articles):
    case = served(staff, general_case, articles)
    with (
        time_machine.travel(date(2026, 6, 8), tick=False),
        pytest.raises(CaseRefused, match="届满前申请"),
    ):
        schedule_approve(
            actor=staff.head, case_id=case.pk, kind="deferral", applied_on=date(2026, 6, 8),
            reason="经营困难", instalments=[(date(2026, 8, 1), "1000")],
        )  # fmt: skip
    assert not PaymentSchedule.objects.exists()


# 复议/诉讼: do not stop execution; block 结案 while pending; a revoked decision ends execution --


def test_the_case_is_not_closed_while_litigation_is_pending(staff, general_case, articles):
    """no_remedy_pending."""
    case = served(staff, general_case, articles)
    pay(staff, case, "1000", DUE, "非税-2026-0007")
    step(staff.zhang, case, "execute", DUE)
    suit = remedy(staff, case, date(2026, 6, 15), kind="litigation")
    assert "行政诉讼（测试市人民政府）尚未终结" in refused(
        staff.head, case, "close", date(2026, 6, 16)
    )
    outcome(staff, case, suit, date(2026, 9, 1), "dismissed")
    assert step(staff.head, case, "close", date(2026, 9, 2)).state == "closed"


def test_a_revoked_decision_is_not_executed_but_execution_ends(staff, general_case, articles):
    """decision_stands / decision_fallen (行政强制法第四十条第四项)."""
    case = served(staff, general_case, articles)
    assert "才终结执行" in refused(staff.head, case, "terminate", DUE)
    filed = remedy(staff, case, date(2026, 5, 25))
    outcome(staff, case, filed, date(2026, 7, 10), "revoked")
    assert "被撤销，不能再执行" in refused(staff.zhang, case, "execute", date(2026, 7, 11))
    assert step(staff.head, case, "terminate", date(2026, 7, 11)).state == "ended"
    assert step(staff.head, case, "close", date(2026, 7, 12)).state == "closed"


def test_a_changed_fine_is_what_is_owed(staff, general_case, articles):
    case = served(staff, general_case, articles)
    filed = remedy(staff, case, date(2026, 5, 25))
    outcome(staff, case, filed, date(2026, 6, 1), "changed", changed_fine="600")
    assert case_account(case, DUE).owed == Decimal("600.00")


def test_an_outcome_is_recorded_once(staff, general_case, articles):
    case = served(staff, general_case, articles)
    filed = remedy(staff, case, date(2026, 5, 25))
    outcome(staff, case, filed, date(2026, 6, 1), "upheld")
    with pytest.raises(CaseRefused, match="已经终结"):
        outcome(staff, case, filed, date(2026, 6, 2), "revoked")


def test_a_suspension_ordered_in_reconsideration_stops_the_demand(staff, general_case, articles):
    """not_suspended (行政处罚法第七十三条第一款: 法律另有规定的除外)."""
    case = served(staff, general_case, articles)
    filed = remedy(staff, case, date(2026, 6, 5))
    assert step(staff.zhang, case, "demand", date(2026, 6, 8)).state == "demanded"
    other = served(staff, _another(staff), articles)
    filed = remedy(staff, other, date(2026, 6, 5))
    with time_machine.travel(date(2026, 6, 6), tick=False):
        remedy_step_record(
            actor=staff.zhang, case_id=other.pk, remedy_id=filed.pk, kind="suspension",
            decided_on=date(2026, 6, 6),
        )  # fmt: skip
    assert "已决定停止执行" in refused(staff.zhang, other, "demand", date(2026, 6, 8))


def _another(staff):
    from tests.cases.conftest import ready_case

    return ready_case(staff, title="擅自占用城市道路堆放物料")


# 催告 and 申请人民法院强制执行 (行政强制法第五十三条、第五十四条)


def test_a_demand_waits_for_the_payment_deadline_and_sets_the_court_deadline(
    client, staff, general_case, articles
):
    """payment_overdue; the step is then due on the last day to apply to the court."""
    case = served(staff, general_case, articles)
    assert "缴纳期限（2026年06月04日）尚未届满" in refused(staff.zhang, case, "demand", DUE)
    case = step(staff.zhang, case, "demand", date(2026, 6, 10))
    assert case.demand_served_on == date(2026, 6, 10)
    # 六个月 from service lapse on 11-20 (a Friday); three months more: 2027-02-20, a Saturday,
    # which moves to the next working day once 2027's holidays are entered.
    assert case.step_due_on == court_until()
    assert "行政强制法第五十三条" in case.step_due_basis
    found = periods(case, get_calendar())
    # Ten working days, 端午 (6-19) skipped: the court may be asked from 6-26.
    assert found.demand_over_on == date(2026, 6, 26)
    with time_machine.travel(date(2026, 6, 11), tick=False):
        client.force_login(staff.zhang.user)
        mine = client.get(reverse("cases:mine")).content.decode()
    assert f"{court_until():%Y-%m-%d}" in mine and "行政强制法第五十三条" in mine


def test_a_paid_fine_needs_no_demand(staff, general_case, articles):
    case = served(staff, general_case, articles)
    pay(staff, case, "1000", DUE, "非税-2026-0008")
    assert "已经履行，无须催告" in refused(staff.zhang, case, "demand", date(2026, 6, 10))


def test_the_court_is_asked_only_after_the_demand_and_the_remedy_periods(
    staff, general_case, articles
):
    """demand_period_over, court_window_open, no_remedy_pending, still_unperformed."""
    case = served(staff, general_case, articles)
    step(staff.zhang, case, "demand", date(2026, 6, 10))
    assert "最早于 2026年06月26日" in refused(staff.head, case, "apply_court", date(2026, 6, 25))
    assert "最早于 2026年11月21日" in refused(staff.head, case, "apply_court", date(2026, 7, 1))
    with (
        time_machine.travel(date(2026, 11, 23), tick=False),
        pytest.raises(CaseRefused, match="填写后办理"),
    ):
        case_transition(actor=staff.head, case_id=case.pk, action="apply_court")
    suit = remedy(staff, case, date(2026, 11, 10), kind="litigation")
    assert "尚未终结" in refused(staff.head, case, "apply_court", date(2026, 11, 23))
    outcome(staff, case, suit, date(2026, 11, 20), "withdrawn")
    with time_machine.travel(date(2026, 11, 23), tick=False):
        with pytest.raises(CaseRefused, match="人民法院"):
            court_application_record(actor=staff.head, case_id=case.pk, court=" ")
        with pytest.raises(TransitionRefused, match="负责人"):
            court_application_record(actor=staff.zhang, case_id=case.pk, court="测试区人民法院")
        court_application_record(actor=staff.head, case_id=case.pk, court="测试区人民法院")
    case.refresh_from_db()
    assert case.state == "court_applied"
    # The court rules and enforces; that is what makes the case executed.
    assert "尚欠" in refused(staff.zhang, case, "execute", date(2026, 12, 1))
    with time_machine.travel(date(2026, 12, 1), tick=False):
        with pytest.raises(CaseRefused, match="准予执行"):
            execution_step_record(
                actor=staff.zhang, case_id=case.pk, kind="court_enforced",
                occurred_on=date(2026, 12, 1),
            )  # fmt: skip
        for kind in ("court_granted", "court_enforced"):
            execution_step_record(
                actor=staff.zhang, case_id=case.pk, kind=kind, occurred_on=date(2026, 12, 1),
                reference="（2026）测0101行审8号",
            )  # fmt: skip
    assert step(staff.zhang, case, "execute", date(2026, 12, 1)).state == "executed"


def test_the_court_application_period_runs_out(staff, general_case, articles):
    case = served(staff, general_case, articles)
    step(staff.zhang, case, "demand", date(2026, 6, 10))
    with time_machine.travel(date(2026, 11, 23), tick=False):
        found = periods(case, get_calendar())
    assert found.court_until == court_until()
    message = refused(staff.head, case, "apply_court", date(2027, 3, 1))
    assert f"已于 {court_until():%Y年%m月%d日} 届满" in message


def test_a_party_who_pays_after_the_demand_is_not_taken_to_court(staff, general_case, articles):
    case = served(staff, general_case, articles)
    step(staff.zhang, case, "demand", date(2026, 6, 10))
    pay(staff, case, "1180", date(2026, 6, 10), "非税-2026-0010")  # 6 days late: 180
    assert "无须申请强制执行" in refused(staff.head, case, "apply_court", date(2026, 11, 23))
    assert step(staff.zhang, case, "execute", date(2026, 11, 23)).state == "executed"


# Penalties other than a fine


def test_a_licence_suspension_is_executed_once_its_performance_is_recorded(
    staff, general_case, articles
):
    case = served(staff, general_case, articles, kinds=("suspend_licence",))
    assert "请先登记当事人已履行暂扣许可证件" in refused(staff.zhang, case, "execute", DUE)
    with time_machine.travel(DUE, tick=False):
        execution_step_record(
            actor=staff.zhang, case_id=case.pk, kind="performed", occurred_on=DUE,
            note="当事人已交回许可证件，暂扣至 2026-12-04",
        )  # fmt: skip
    assert step(staff.zhang, case, "execute", DUE).state == "executed"


# 当场收缴 (行政处罚法第六十八条至第七十条)


def test_on_the_spot_collection_up_to_100_yuan_with_a_receipt(staff, on_spot_case):
    case = on_spot_case("person", Decimal("50"))
    with time_machine.travel(SERVED, tick=False):
        case_transition(actor=staff.zhang, case_id=case.pk, action="decide_on_spot")
        assert "尚欠" in refused(staff.zhang, case, "execute", SERVED)
    pay(staff, case, "50", SERVED, "财政票据 No.0012345", channel="on_spot")
    assert step(staff.zhang, case, "execute", SERVED).state == "executed"
    assert step(staff.zhang, case, "close", SERVED).state == "closed"


def test_on_the_spot_collection_above_100_yuan_needs_its_reason(staff, on_spot_case):
    case = step(staff.zhang, on_spot_case("person", Decimal("200")), "decide_on_spot", SERVED)
    with pytest.raises(CaseRefused, match="第六十八条、第六十九条"):
        pay(staff, case, "200", SERVED, "财政票据 No.0012346", channel="on_spot")
    pay(
        staff, case, "200", SERVED, "财政票据 No.0012346", channel="on_spot",
        on_spot_reason="当事人为外地流动摊贩，不当场收缴事后难以执行",
    )  # fmt: skip
    assert case_account(case, SERVED).outstanding == 0


def test_a_general_procedure_fine_is_not_collected_on_the_spot(staff, general_case, articles):
    case = served(staff, general_case, articles)
    with pytest.raises(CaseRefused, match="只有当场作出的处罚决定"):
        pay(staff, case, "1000", SERVED, "财政票据 No.0012347", channel="on_spot")


# The case page and the annual report


def test_the_case_page_shows_owed_paid_and_late_fee_and_a_refused_payment_changes_nothing(
    client, staff, general_case, articles
):
    case = served(staff, general_case, articles)
    pay(staff, case, "300", date(2026, 6, 5), "非税-2026-0011")
    with time_machine.travel(date(2026, 6, 9), tick=False):
        client.force_login(staff.zhang.user)
        response = client.post(
            reverse("cases:payment-new", args=[case.pk]),
            {"paid_on": "2026-06-09", "amount": "-1", "channel": "bank", "receipt_number": "X1"},
            follow=True,
        )
        page = response.content.decode()
    assert "大于零" in page
    assert Payment.objects.count() == 1
    # 5 days late on the whole fine (the law's base is 罚款数额): 150; owed 1150, paid 300.
    assert 'id="owed">1150.00 元' in page and 'id="paid">300.00 元' in page
    assert 'id="outstanding">850.00 元' in page and "加处罚款 150.00 元" in page


def test_remedy_outcomes_count_by_year_for_the_annual_report(staff, general_case, articles):
    case = served(staff, general_case, articles)
    first = remedy(staff, case, date(2026, 5, 25))
    outcome(staff, case, first, date(2026, 7, 1), "upheld")
    remedy(staff, case, date(2026, 8, 1), kind="litigation")
    counts = remedy_outcomes(case.agency_id, 2026)
    assert counts is not None
    assert counts["upheld"] == 1 and counts["revoked"] == 0
    assert (counts["filed"], counts["pending"]) == (2, 1)
    assert (remedy_outcomes(case.agency_id, 2025) or {}).get("filed") == 0
    assert remedy_outcomes(999999, 2026) is None


def test_the_case_page_records_a_remedy_and_offers_the_court_application_by_form(
    client, staff, general_case, articles
):
    case = served(staff, general_case, articles)
    step(staff.zhang, case, "demand", date(2026, 6, 10))
    with time_machine.travel(date(2026, 6, 12), tick=False):
        client.force_login(staff.head.user)
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
        assert 'id="court-apply"' in page and "最早于 2026年06月26日" in page
        assert f"2026-11-21 至 {court_until():%Y-%m-%d}" in page
        response = client.post(
            reverse("cases:remedy-new", args=[case.pk]),
            {"kind": "litigation", "filed_on": "2026-06-12", "body": "测试区人民法院"},
            follow=True,
        )
    page = response.content.decode()
    assert "测试区人民法院" in page and "审理中" in page
    assert LedgerEntry.objects.filter(action="cases.case.remedy_filed").count() == 1


def test_where_signatures_are_required_the_court_application_is_signed_too(
    staff, general_case, articles
):
    """The court application is a 负责人's approval like 立案 or 决定 (办案规则)."""
    from sanxiang.cases.models import ApprovalSignature, CaseRules
    from sanxiang.cases.signing import ApprovalSignatureRefused, approval_text
    from tests.cases.test_signatures import new_key, sign

    case = served(staff, general_case, articles)
    step(staff.zhang, case, "demand", date(2026, 6, 10))
    CaseRules.objects.create(agency=case.agency, approvals_signed=True)
    private = new_key(staff.head)
    with time_machine.travel(date(2026, 11, 23), tick=False):
        with pytest.raises(ApprovalSignatureRefused, match="须电子签名"):
            court_application_record(actor=staff.head, case_id=case.pk, court="测试区人民法院")
        case.refresh_from_db()
        signed = sign(private, approval_text(case, "apply_court", staff.head))
        court_application_record(
            actor=staff.head, case_id=case.pk, court="测试区人民法院", signed=signed
        )
    assert ApprovalSignature.objects.get(case=case).action == "apply_court"


def test_a_payment_period_ending_in_a_year_not_yet_entered_moves_when_it_is(
    staff, general_case, articles
):
    """Served 2026-12-17: the 15th day is 2027-01-01, 元旦 — but 2027's schedule is not entered,
    so the end cannot be moved yet; once it is, the period ends on the next working day and
    加处罚款 counts from there (民事诉讼法第八十五条)."""
    from sanxiang.core.services import ScheduleDay, calendar_year_import

    set_basis(staff, general_case, articles)
    with time_machine.travel(date(2026, 12, 17), tick=False):
        for actor, action in ((staff.head, "register"), (staff.zhang, "conclude"),
                              (staff.zhang, "notify"), (staff.zhang, "record_statement"),
                              (staff.head, "decide")):  # fmt: skip
            prepare_step(actor, general_case.pk, action)
            case_transition(actor=actor, case_id=general_case.pk, action=action)
        document_generate(actor=staff.zhang, case_id=general_case.pk, kind="decision")
        prepare_step(staff.zhang, general_case.pk, "serve")
        case = case_transition(actor=staff.zhang, case_id=general_case.pk, action="serve")
    assert case.payment_due_on == date(2027, 1, 1)
    calendar_year_import(
        year=2027,
        source="测试用节假日安排",
        days=[ScheduleDay(date(2027, 1, 1), False, "元旦")],
    )
    case.refresh_from_db()
    assert case.payment_due_on == date(2027, 1, 4)  # 1 January off, then a weekend
    assert case.step_due_on == date(2027, 1, 4)
    assert LedgerEntry.objects.filter(action="cases.case.payment_due_recomputed").count() == 1
