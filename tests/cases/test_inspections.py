"""行政检查: a check needs two certified officers and its record; a finding becomes a case."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from sanxiang.cases.models import Case
from sanxiang.cases.services import case_transition
from sanxiang.cases.workflow.engine import TransitionRefused
from tests.cases.conftest import attach_record, evidence_on_disk
from tests.conftest import prepare_step


@pytest.fixture(autouse=True)
def _today(settings, tmp_path):
    evidence_on_disk(settings, tmp_path)
    with time_machine.travel(date(2026, 5, 20), tick=False):
        yield


def step(actor, case, action):
    prepare_step(actor, case.pk, action)
    return case_transition(actor=actor, case_id=case.pk, action=action)


def test_a_check_without_its_written_record_is_refused(staff, inspection):
    """行政处罚法第五十五条: 询问或者检查应当制作笔录."""
    assert inspection.number == "测城检〔2026〕1号"
    with pytest.raises(TransitionRefused, match="现场检查笔录"):
        step(staff.zhang, inspection, "check")
    attach_record(staff, inspection)
    assert step(staff.zhang, inspection, "check").state == "checked"


def test_a_finding_opens_a_general_procedure_case_linked_to_the_inspection(staff, inspection):
    attach_record(staff, inspection)
    step(staff.zhang, inspection, "check")
    step(staff.zhang, inspection, "find_violation")
    follow_up = Case.objects.get(origin=inspection)
    assert (follow_up.procedure, follow_up.state) == ("penalty_general", "clue")
    assert follow_up.source == "行政检查发现（测城检〔2026〕1号）"
    assert [p.name for p in follow_up.parties.all()] == ["某餐饮公司"]
    assert set(follow_up.handlers.all()) == {staff.zhang, staff.li}
    assert step(staff.head, follow_up, "register").number == "测城执罚〔2026〕1号"


def test_no_finding_closes_the_inspection_without_a_case(staff, inspection):
    attach_record(staff, inspection)
    step(staff.zhang, inspection, "check")
    step(staff.zhang, inspection, "find_nothing")
    assert step(staff.zhang, inspection, "close").state == "closed"
    assert not Case.objects.filter(origin=inspection).exists()
