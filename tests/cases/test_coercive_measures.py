"""行政强制措施（查封、扣押）under 行政强制法, with its full-process video requirement."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from sanxiang.cases.services import case_transition
from sanxiang.cases.workflow.engine import TransitionRefused
from tests.cases.conftest import attach_full_video, evidence_on_disk
from tests.conftest import prepare_step

pytestmark = pytest.mark.dates  # due dates counted from today (make test-year-end)


TODAY = date(2026, 5, 20)


@pytest.fixture(autouse=True)
def _today(settings, tmp_path):
    evidence_on_disk(settings, tmp_path)
    with time_machine.travel(TODAY, tick=False):
        yield


def step(actor, case, action):
    prepare_step(actor, case.pk, action)
    return case_transition(actor=actor, case_id=case.pk, action=action)


@pytest.fixture
def coercive_case(staff, coercive_case, articles):
    """The shared proposed seizure, with its legal basis recorded (行政强制法第十八条)."""
    from tests.cases.conftest import set_basis

    set_basis(staff, coercive_case, articles)
    return coercive_case


def test_a_coercive_case_is_numbered_when_opened_so_its_video_can_be_filed(coercive_case):
    assert coercive_case.number == "测城强措〔2026〕1号"


def test_seizure_cannot_complete_without_a_full_process_video(staff, coercive_case):
    """国办发〔2018〕118号: 查封扣押 is recorded on video from beginning to end."""
    step(staff.head, coercive_case, "approve")
    with pytest.raises(TransitionRefused, match="请先登记本案（测城强措〔2026〕1号）的全程录像"):
        step(staff.zhang, coercive_case, "enforce")
    attach_full_video(staff, coercive_case)
    case = step(staff.zhang, coercive_case, "enforce")
    # The 30th day, 2026-06-19, is 端午节 and a weekend follows: the period ends on Monday the
    # 22nd (民事诉讼法第八十五条 as applied to administrative periods).
    assert (case.state, case.measure_due_on) == ("in_force", date(2026, 6, 22))
    assert case.step_due_basis == "自查封、扣押决定之日起30日（行政强制法第二十五条）"


def test_the_period_can_be_extended_once_by_thirty_days(staff, coercive_case):
    step(staff.head, coercive_case, "approve")
    attach_full_video(staff, coercive_case)
    step(staff.zhang, coercive_case, "enforce")
    case = step(staff.head, coercive_case, "extend")
    assert case.measure_due_on == date(2026, 7, 22)  # 30 days after the rolled end, 6-22
    with pytest.raises(TransitionRefused, match="不能进行“延长查封、扣押期限"):
        step(staff.head, coercive_case, "extend")


def test_an_expired_seizure_cannot_be_extended(staff, coercive_case):
    step(staff.head, coercive_case, "approve")
    attach_full_video(staff, coercive_case)
    step(staff.zhang, coercive_case, "enforce")
    with (
        time_machine.travel(date(2026, 6, 23), tick=False),
        pytest.raises(TransitionRefused, match="期限已于"),
    ):
        step(staff.head, coercive_case, "extend")


def test_an_emergency_seizure_must_be_approved_within_24_hours(staff, coercive_case):
    """行政强制法第十九条."""
    attach_full_video(staff, coercive_case)
    case = step(staff.zhang, coercive_case, "enforce_urgently")
    assert case.step_due_on == date(2026, 5, 21)
    with (
        time_machine.travel(date(2026, 5, 22), tick=False),
        pytest.raises(TransitionRefused, match="二十四小时"),
    ):
        step(staff.head, coercive_case, "approve_afterwards")
    assert step(staff.head, coercive_case, "release").state == "released"


def test_only_a_head_approves_a_seizure(staff, coercive_case):
    with pytest.raises(TransitionRefused, match="须由负责人办理"):
        step(staff.zhang, coercive_case, "approve")


def test_an_expired_seizure_cannot_be_confiscated_or_destroyed(staff, coercive_case):
    """行政强制法第二十七条、第二十八条: decide within the period; release once it has expired."""
    step(staff.head, coercive_case, "approve")
    attach_full_video(staff, coercive_case)
    step(staff.zhang, coercive_case, "enforce")
    with time_machine.travel(date(2026, 6, 23), tick=False):
        for action in ("confiscate", "destroy"):
            with pytest.raises(TransitionRefused, match="期限已于"):
                step(staff.head, coercive_case, action)
        assert step(staff.head, coercive_case, "release").state == "released"
