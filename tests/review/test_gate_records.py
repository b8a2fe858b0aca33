"""The legal-review gate and 审核统计 believe the written record, not a status column.

An insider with database rights once took a case past the gate with two UPDATEs (the review's
status and the case's state) and 审核统计 still said 100%. The gate now asks the append-only
opinions and committee minutes; so do the figures.
"""

# ruff: noqa: F811 - the fixtures imported from the case tests are used as fixture arguments

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from sanxiang.cases.services import case_transition
from sanxiang.cases.workflow.engine import TransitionRefused
from sanxiang.review.figures import figures_for
from sanxiang.review.models import Determination, Review
from sanxiang.review.services import opinion_write
from tests.conftest import prepare_step
from tests.review.conftest import defaults, notified_case  # noqa: F401
from tests.review.test_review_flow import ALL_OK, submit

COVERAGE = "目录清单内决定（含不予处罚、批准查封扣押）经法制审核通过的比例"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(
        datetime(2026, 6, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


def passed_behind_the_services_back(staff, case) -> Review:
    """The UPDATE: the review says 审核通过 (the case's own state stays 法制审核中: it has no
    second copy of the review's status to forge)."""
    review: Review = submit(staff, case)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE review_review SET status = 'passed', passed_at = %s WHERE id = %s",
            [datetime(2026, 6, 10, 2, 0, tzinfo=ZoneInfo("UTC")), review.pk],
        )
    return review


def test_review_status_update_does_not_pass_gate(staff, notified_case):
    passed_behind_the_services_back(staff, notified_case)
    with pytest.raises(TransitionRefused, match="法制审核尚未通过（没有同意的书面审核意见"):
        case_transition(actor=staff.head, case_id=notified_case.pk, action="decide")


def test_a_recorded_agreeing_opinion_passes_gate(staff, notified_case):
    """Control: the same case passes once the reviewer's written 同意 is on record."""
    review = submit(staff, notified_case)
    opinion_write(
        actor=staff.zhou, review_id=review.pk, points=ALL_OK, conclusion="agree", summary="同意"
    )
    decided = case_transition(actor=staff.head, case_id=notified_case.pk, action="decide")
    assert decided.state == "decided"


def test_figures_count_only_recorded_opinions(staff, notified_case, defaults):
    review = submit(staff, notified_case)
    opinion_write(
        actor=staff.zhou, review_id=review.pk, points=ALL_OK, conclusion="agree", summary="同意"
    )
    case_transition(actor=staff.head, case_id=notified_case.pk, action="decide")
    # A second case whose review was "passed" by UPDATE and whose decision finding was inserted.
    other = _second_notified_case(staff, defaults)
    passed_behind_the_services_back(staff, other)
    Determination.objects.create(
        case=other,
        action="decide",
        required=True,
        rules=[],
        reason="目录清单事项",
        actor=staff.head,
    )
    figures = {f.label: f for f in figures_for(agency_id=defaults.pk, year=2026).figures}
    assert figures[COVERAGE].value.startswith("1 / 2")
    assert figures[COVERAGE].met is False


def _second_notified_case(staff, agency):
    from tests.cases.conftest import ready_case
    from tests.review.conftest import registered_with_file

    case = ready_case(staff)
    registered_with_file(staff, case)
    for action in ("conclude", "notify", "record_statement"):
        prepare_step(staff.zhang, case.pk, action)
        case = case_transition(actor=staff.zhang, case_id=case.pk, action=action)
    return case
