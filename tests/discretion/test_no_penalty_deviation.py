# ruff: noqa: F811  (fixtures imported from the tests they share)
"""裁量偏离 counts 不予处罚 decisions too: one whose recorded 情节 make the 不予处罚 tier
applicable is inside, one without them is outside; the 统计年报 keeps its 行政处罚决定 figures
and shows the 不予处罚 ones in rows of their own."""

from __future__ import annotations

from datetime import date

import pytest

from sanxiang.cases.deviation import deviation_figures
from sanxiang.cases.events import discretion_record_digest
from sanxiang.cases.models import DecisionDiscretion, DiscretionOutcome
from sanxiang.cases.services import (
    case_transition,
    document_generate,
    no_penalty_propose,
)
from sanxiang.disclosure.annual import annual_figures
from sanxiang.ledger.models import LedgerEntry
from tests.cases.conftest import evidence_on_disk
from tests.discretion.test_circumstances import FIRST, tick
from tests.discretion.test_no_penalty_path import (  # noqa: F401
    FIRST_VIOLATION,
    _educate,
    _reviewed,
    investigated,
)
from tests.review.conftest import defaults  # noqa: F401

TODAY = date(2026, 6, 10)


@pytest.fixture(autouse=True)
def _evidence_store(settings, tmp_path):
    evidence_on_disk(settings, tmp_path)


def _no_penalty(staff, case, agency) -> DecisionDiscretion:
    no_penalty_propose(actor=staff.zhang, case_id=case.pk, ground="first", elements=FIRST_VIOLATION)
    _reviewed(staff, case, agency)
    _educate(staff, case)
    document_generate(actor=staff.zhang, case_id=case.pk, kind="no_penalty_decision")
    case_transition(actor=staff.head, case_id=case.pk, action="no_penalty")
    return DecisionDiscretion.objects.get(case_id=case.pk)


def test_no_penalty_without_the_circumstances_that_allow_it_counts_as_outside(
    staff,
    investigated,
    defaults,
):
    record = _no_penalty(staff, investigated, defaults)
    assert record.no_penalty and record.outcome == DiscretionOutcome.OUTSIDE
    assert record.fine_yuan is None and record.tier is not None
    assert "不予处罚，但登记的裁量情节适用“一般处罚”" in record.problems[0]
    entry = LedgerEntry.objects.get(action="cases.case.discretion_recorded")
    assert entry.content_sha256 == discretion_record_digest(record)
    figures = deviation_figures(agency_ids=[record.agency_id], first=date(2026, 1, 1), last=TODAY)
    assert (figures.total.decisions, figures.total.outside) == (1, 1)
    assert (figures.no_penalty, figures.no_penalty_outside) == (1, 1)
    report = annual_figures(agency=defaults, year=2026, today=TODAY)
    assert report.value("discretion_no_penalty_outside") == 1
    assert report.value("discretion_no_penalty_within") == 0
    # The 行政处罚决定 figures published before keep counting penalties only.
    assert report.value("discretion_outside") == 0


def test_no_penalty_on_a_recorded_first_offence_counts_as_inside(
    staff,
    investigated,
    defaults,
):
    tick(staff, investigated, FIRST)
    record = _no_penalty(staff, investigated, defaults)
    assert record.no_penalty and record.outcome == DiscretionOutcome.WITHIN
    assert record.problems == []
