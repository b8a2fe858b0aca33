"""裁量偏离: the decision keeps what the 裁量基准 said of its fine (version, 违法行为, tier, inside
or not), written by the decision step's declared effect; the reviewer's queue, the 监督驾驶舱
and the 统计年报 show the share of decisions outside the tier, by unit and by handler."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.urls import reverse

from sanxiang.cases.deviation import deviation_figures
from sanxiang.cases.events import discretion_record_digest
from sanxiang.cases.models import DecisionDiscretion, DiscretionOutcome
from sanxiang.cases.services import (
    Assessment,
    case_assess,
    case_transition,
    case_violation_choose,
)
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.cases.workflow.effects import RecordDiscretion
from sanxiang.discretion.models import Violation
from sanxiang.ledger.models import LedgerEntry
from tests.cases.conftest import ready_case
from tests.conftest import prepare_step

TODAY = date(2026, 6, 10)  # the suite's pinned clock


def sr(code: str) -> Violation:
    return Violation.objects.get(benchmark__status="in_force", code=code)


# A fine outside the applicable tier is proposed only with written reasons (case_assess).
OUTSIDE_REASONS = "当事人拒不改正，违法情节较重。"


def decide(
    staff, *, fine: str, code: str | None = "SR-001", reasons: str | None = None
) -> DecisionDiscretion:
    """A general-procedure case decided with ``fine`` (and the 违法行为 ``code``, if any)."""
    case = ready_case(staff)
    case_transition(actor=staff.head, case_id=case.pk, action="register")
    if code is not None:
        case_violation_choose(actor=staff.zhang, case_id=case.pk, violation_id=sr(code).pk)
    case_assess(
        actor=staff.zhang, case_id=case.pk,
        assessment=Assessment(facts="在人行道堆放建材约 8 平方米。", penalty_kinds=("fine",),
                              fine_yuan=Decimal(fine), discretion_reasons=reasons),
    )  # fmt: skip
    for actor, action in (
        (staff.zhang, "conclude"), (staff.zhang, "notify"), (staff.zhang, "record_statement"),
        (staff.head, "decide"),
    ):  # fmt: skip
        prepare_step(actor, case.pk, action)
        case_transition(actor=actor, case_id=case.pk, action=action)
    return DecisionDiscretion.objects.get(case_id=case.pk)


def test_the_decision_steps_declare_that_they_record_the_discretion():
    for procedure, action in (("penalty_general", "decide"), ("penalty_simple", "decide_on_spot")):
        step = PROCEDURES[procedure].transition(action)
        assert any(isinstance(e, RecordDiscretion) for e in step.effects)


def test_a_fine_inside_a_tier_is_recorded_with_the_version_and_tier_and_a_ledger_event(
    staff, published
):
    record = decide(staff, fine="2000")
    chosen = sr("SR-001")
    assert record.outcome == DiscretionOutcome.WITHIN
    assert record.benchmark_id == chosen.benchmark_id and record.violation_id == chosen.pk
    assert record.violation_code == "SR-001" and record.tier is not None
    assert record.tier.name == "一般处罚" and record.fine_yuan == Decimal("2000")
    assert record.decided_on == TODAY and record.unit_id == record.case.unit_id
    entry = LedgerEntry.objects.get(action="cases.case.discretion_recorded")
    assert entry.object_id == str(record.case_id)
    assert entry.content_sha256 == discretion_record_digest(record)


def test_a_fine_above_every_tier_is_recorded_as_outside_with_the_reason(staff, published):
    record = decide(staff, fine="8000", reasons=OUTSIDE_REASONS)
    assert record.outcome == DiscretionOutcome.OUTSIDE and record.tier is None
    assert any("超过法定罚款上限" in p for p in record.problems)


def test_a_decision_without_a_chosen_violation_counts_as_not_chosen_not_inside(staff, published):
    record = decide(staff, fine="2000", code=None)
    assert record.outcome == DiscretionOutcome.NOT_CHOSEN
    assert record.violation_id is None and record.benchmark_id is None
    figures = deviation_figures(agency_ids=[record.agency_id], first=TODAY, last=TODAY).total
    assert (figures.decisions, figures.within, figures.not_chosen) == (1, 0, 1)


def test_figures_give_the_share_outside_by_unit_and_by_handler(staff, published):
    decide(staff, fine="2000")
    decide(staff, fine="8000", reasons=OUTSIDE_REASONS)
    decide(staff, fine="1000", code=None)
    agency_id = staff.zhang.unit.agency_id
    figures = deviation_figures(agency_ids=[agency_id], first=date(2026, 1, 1), last=TODAY)
    assert (figures.total.decisions, figures.total.outside) == (3, 1)
    assert figures.total.outside_share == "33.3%" and figures.total.not_chosen_share == "33.3%"
    (unit,) = figures.by_unit
    assert unit.name == staff.zhang.unit.name and unit.outside == 1
    handlers = {row.name: row for row in figures.by_officer}
    assert handlers[staff.zhang.name].decisions == 3 and handlers[staff.li.name].outside == 1
    earlier = deviation_figures(
        agency_ids=[agency_id], first=date(2025, 1, 1), last=date(2025, 12, 31)
    )
    assert earlier.total.decisions == 0 and earlier.total.outside_share == "—"


def test_the_reviewers_queue_shows_the_deviation_panel(client, staff, published):
    decide(staff, fine="8000", reasons=OUTSIDE_REASONS)
    client.force_login(staff.zhou.user)
    page = client.get(reverse("review:queue")).content.decode()
    assert "裁量偏离" in page and 'id="deviation"' in page
    assert "1 件（100.0%）" in page and staff.zhang.name in page


def test_an_officer_without_figures_sees_no_deviation_panel(client, staff, published):
    decide(staff, fine="8000", reasons=OUTSIDE_REASONS)
    client.force_login(staff.wang.user)
    page = client.get(reverse("review:queue")).content.decode()
    assert 'id="deviation"' not in page


def test_the_annual_report_has_the_deviation_rows(staff, published):
    from sanxiang.disclosure.annual import annual_figures

    decide(staff, fine="2000")
    decide(staff, fine="8000", reasons=OUTSIDE_REASONS)
    decide(staff, fine="1000", code=None)
    figures = annual_figures(agency=staff.zhang.unit.agency, year=2026, today=TODAY)
    assert figures.value("discretion_within") == 1
    assert figures.value("discretion_outside") == 1
    assert figures.value("discretion_outside_rate") == "33.3%"
    assert figures.value("discretion_not_chosen") == 1
