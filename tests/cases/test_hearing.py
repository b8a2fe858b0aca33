"""听证 (行政处罚法第六十三条、第六十四条) and 集体讨论 (第五十七条第二款)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from sanxiang.cases.models import Case
from sanxiang.cases.services import case_transition
from sanxiang.cases.workflow.engine import TransitionRefused
from tests.cases.conftest import attach_hearing_recording
from tests.conftest import prepare_step

pytestmark = pytest.mark.dates  # due dates counted from today (make test-year-end)


NOTICE_DAY = date(2026, 5, 20)  # Wednesday


def step(actor, case, action):
    prepare_step(actor, case.pk, action)
    return case_transition(actor=actor, case_id=case.pk, action=action)


@pytest.fixture
def notified(staff, general_case):
    """A case told of the intended penalty on NOTICE_DAY; it carries a hearing right."""
    Case.objects.filter(pk=general_case.pk).update(hearing_right=True)
    with time_machine.travel(NOTICE_DAY, tick=False):
        step(staff.head, general_case, "register")
        step(staff.zhang, general_case, "conclude")
        case = step(staff.zhang, general_case, "notify")
        attach_hearing_recording(staff, case)  # made at the hearing; the list asks for it
    assert case.step_due_on == date(2026, 5, 27)  # five working days: 21, 22, 25, 26, 27
    return case


def test_no_decision_while_the_party_may_still_ask_for_a_hearing(staff, notified):
    with (
        time_machine.travel(date(2026, 5, 27), tick=False),
        pytest.raises(TransitionRefused, match="届满前不得作出决定"),
    ):
        step(staff.head, notified, "decide")
    with time_machine.travel(date(2026, 5, 28), tick=False):
        assert step(staff.head, notified, "decide").state == "decided"


def test_a_hearing_request_after_five_working_days_is_late(staff, notified):
    with (
        time_machine.travel(date(2026, 5, 28), tick=False),
        pytest.raises(TransitionRefused, match="已逾期"),
    ):
        step(staff.zhang, notified, "request_hearing")


def test_a_hearing_needs_seven_working_days_notice_and_a_host_who_did_not_investigate(
    staff, notified
):
    with time_machine.travel(date(2026, 5, 22), tick=False):
        step(staff.zhang, notified, "request_hearing")
        case = step(staff.zhang, notified, "notice_hearing")
    assert case.step_due_on == date(2026, 6, 2)  # 25, 26, 27, 28, 29, 6-1, 6-2
    with (
        time_machine.travel(date(2026, 6, 1), tick=False),
        pytest.raises(TransitionRefused, match="七个工作日前"),
    ):
        step(staff.head, notified, "hold_hearing")
    with time_machine.travel(date(2026, 6, 2), tick=False):
        with pytest.raises(TransitionRefused, match="非本案调查人员主持"):
            step(staff.zhang, notified, "hold_hearing")
        assert step(staff.head, notified, "hold_hearing").state == "heard"
        assert step(staff.head, notified, "decide").state == "decided"


def test_a_case_without_hearing_right_cannot_record_a_hearing_request(staff, notified):
    Case.objects.filter(pk=notified.pk).update(hearing_right=False)
    with (
        time_machine.travel(date(2026, 5, 21), tick=False),
        pytest.raises(TransitionRefused, match="不属于听证范围"),
    ):
        step(staff.zhang, notified, "request_hearing")


def test_a_complex_case_is_decided_only_after_collective_discussion(staff, notified):
    Case.objects.filter(pk=notified.pk).update(complex_or_major=True)
    with time_machine.travel(date(2026, 5, 28), tick=False):
        with pytest.raises(TransitionRefused, match="集体讨论"):
            step(staff.head, notified, "decide")
        step(staff.head, notified, "discuss")
        assert step(staff.head, notified, "decide").state == "decided"


def test_a_case_that_went_through_a_hearing_needs_legal_review_before_the_decision(staff, notified):
    """第五十八条第一款第二项: 直接关系重大权益 and heard — the review comes after the hearing."""
    Case.objects.filter(pk=notified.pk).update(review_flags=["major_rights"])
    with time_machine.travel(date(2026, 5, 22), tick=False):
        step(staff.zhang, notified, "request_hearing")
        step(staff.zhang, notified, "notice_hearing")
    with time_machine.travel(date(2026, 6, 2), tick=False):
        step(staff.head, notified, "hold_hearing")
        with pytest.raises(TransitionRefused, match="经过听证程序的，未经法制审核的，不得作出决定"):
            step(staff.head, notified, "decide")
