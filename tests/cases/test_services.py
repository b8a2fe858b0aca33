"""Opening cases, parties, handlers, numbering, and who may take which step."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from sanxiang.cases.models import Case
from sanxiang.cases.services import (
    CaseRefused,
    case_open,
    case_transition,
    handlers_set,
    number_allocate,
    party_add,
)
from sanxiang.cases.workflow.definitions import GENERAL, SIMPLE
from sanxiang.cases.workflow.engine import TransitionRefused
from sanxiang.ledger.models import LedgerEntry
from tests.cases.conftest import new_case

pytestmark = pytest.mark.dates  # due dates counted from today (make test-year-end)


TODAY = date(2026, 5, 20)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_registration_numbers_the_case_and_stores_its_decision_deadline(staff, general_case):
    case = case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    assert case.number == "测城执罚〔2026〕1号"
    assert (case.registered_on, case.decision_due_on) == (TODAY, date(2026, 8, 18))
    assert (case.step_due_on, case.step_due_basis) == (
        date(2026, 8, 18),
        "自立案之日起90日（行政处罚法第六十条）",
    )


def test_each_step_is_a_ledger_event_about_the_case(staff, general_case):
    case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    actions = list(
        LedgerEntry.objects.filter(
            object_type="cases.case", object_id=str(general_case.pk)
        ).values_list("action", flat=True)
    )
    assert actions == ["cases.case.opened", "cases.case.party_added", "cases.case.register"]


def test_only_a_head_may_register_and_only_handlers_may_conclude(staff, general_case):
    with pytest.raises(TransitionRefused, match="须由负责人办理"):
        case_transition(actor=staff.zhang, case_id=general_case.pk, action="register")
    case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    with pytest.raises(TransitionRefused, match="只有本案承办人"):
        case_transition(actor=staff.wang, case_id=general_case.pk, action="conclude")


def test_a_step_out_of_order_is_refused_and_changes_nothing(staff, general_case):
    with pytest.raises(TransitionRefused, match="不能进行“送达决定书”"):
        case_transition(actor=staff.zhang, case_id=general_case.pk, action="serve")
    general_case.refresh_from_db()
    assert general_case.state == "clue"
    with pytest.raises(CaseRefused, match="没有这个办案步骤"):
        case_transition(actor=staff.zhang, case_id=general_case.pk, action="approve_everything")


def test_another_agency_cannot_touch_the_case(staff, general_case, django_user_model):
    from sanxiang.org.models import Agency, Unit
    from tests.conftest import credit_code, make_officer

    other = Agency.objects.create(
        name="外局",
        credit_code=credit_code(7),
        level="county",
        region="外县",
        address="a",
        phone="1",
        authority_basis="b",
    )
    unit = Unit.objects.create(agency=other, name="队")
    stranger = make_officer(unit=unit, name="外人", number="99019999001", roles=("head", "officer"))
    with pytest.raises(CaseRefused, match="未找到该案件"):
        case_transition(actor=stranger, case_id=general_case.pk, action="register")


def test_a_reviewer_cannot_be_appointed_handler(staff, general_case):
    with pytest.raises(CaseRefused, match="法制审核人员不得承办案件（周婷）"):
        handlers_set(actor=staff.head, case_id=general_case.pk, officers=[staff.zhang, staff.zhou])
    assert set(general_case.handlers.all()) == {staff.zhang, staff.li}


@pytest.mark.parametrize(
    ("kind", "identifier", "message"),
    [
        ("person", "110105194912310021", "校验位不正确"),
        ("organisation", "91440300708461136X", "校验位不正确"),
        ("robot", "1", "类型不正确"),
    ],
)
def test_parties_need_valid_identifiers(staff, general_case, kind, identifier, message):
    with pytest.raises(CaseRefused, match=message):
        party_add(
            actor=staff.zhang,
            case_id=general_case.pk,
            kind=kind,
            name="某",
            identifier=identifier,
            address="测试市",
        )


def test_amounts_that_are_not_money_are_refused(staff):
    from decimal import Decimal

    with pytest.raises(CaseRefused, match="两位小数"):
        case_open(actor=staff.zhang, new=new_case(fine_yuan=Decimal("10.005")))
    with pytest.raises(CaseRefused, match="不小于零"):
        case_open(actor=staff.zhang, new=new_case(fine_yuan=Decimal("-1")))
    assert not Case.objects.exists()


def test_future_dates_are_refused(staff):
    with pytest.raises(CaseRefused, match="不能晚于今天"):
        case_open(actor=staff.zhang, new=new_case(violation_on=date(2026, 6, 1)))


def test_numbers_run_without_gaps_per_agency_kind_and_year(staff, agency):
    numbers = [number_allocate(agency_id=agency.pk, kind="penalty", year=2026) for _ in range(3)]
    assert numbers == ["测城执罚〔2026〕1号", "测城执罚〔2026〕2号", "测城执罚〔2026〕3号"]
    assert number_allocate(agency_id=agency.pk, kind="on_spot", year=2026) == "测城当罚〔2026〕1号"
    assert number_allocate(agency_id=agency.pk, kind="penalty", year=2027) == "测城执罚〔2027〕1号"


def test_a_number_taken_by_a_step_that_rolls_back_is_given_out_again(
    staff, general_case, agency, monkeypatch
):
    import sanxiang.cases.services.transition as transition

    def broken(*args, **kwargs):
        raise RuntimeError("ledger unavailable")

    monkeypatch.setattr(transition, "_record", broken)
    with pytest.raises(RuntimeError):
        case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    monkeypatch.undo()
    assert number_allocate(agency_id=agency.pk, kind="penalty", year=2026) == "测城执罚〔2026〕1号"


def test_an_agency_without_a_numbering_rule_is_told_what_to_set_up(staff, general_case):
    from sanxiang.cases.models import NumberingRule

    NumberingRule.objects.all().delete()
    with pytest.raises(CaseRefused, match="尚未设置案件编号规则"):
        case_transition(actor=staff.head, case_id=general_case.pk, action="register")


def test_procedures_are_well_formed():
    """Every transition names known states, carries its label, and terminal states are final."""
    for definition in (GENERAL, SIMPLE):
        assert definition.initial in definition.states
        actions = [t.action for t in definition.transitions]
        assert len(actions) == len(set(actions))
        for terminal in definition.terminal:
            assert not any(terminal in t.source for t in definition.transitions)
        reachable = {definition.initial}
        for _ in definition.states:
            reachable |= {t.target for t in definition.transitions if t.source & reachable}
        assert reachable == set(definition.states), set(definition.states) - reachable
