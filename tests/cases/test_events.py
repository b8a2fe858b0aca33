"""The cases app's ledger vocabulary: each event written by its builder, with the action string
and the digest ``ledger verify`` recomputes; the step facts kept as columns."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.apps import apps as django_apps

from sanxiang.cases import events
from sanxiang.cases.events import CaseEvent, CaseStep
from sanxiang.cases.facts import facts_problem
from sanxiang.cases.models import Case
from sanxiang.cases.services import case_transition
from sanxiang.ledger.content import event_check_for
from sanxiang.ledger.events import content_digest
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.verify import verify_ledger
from tests.cases.conftest import attach_hearing_recording, ready_case
from tests.conftest import prepare_step

pytestmark = pytest.mark.dates

NOTICE_DAY = date(2026, 5, 20)


def step(actor, case, action):
    prepare_step(actor, case.pk, action)
    return case_transition(actor=actor, case_id=case.pk, action=action)


def test_every_case_event_is_written_with_its_action_and_the_case_snapshot(staff):
    """Table-driven over the snapshot events and every declared workflow step."""
    case = ready_case(staff)
    for event in [*events.SNAPSHOT_EVENTS, *CaseStep]:
        entry = events.case_recorded(case, staff.zhang.ledger_actor, event)
        assert (entry.action, entry.object_type) == (event.value, "cases.case")
        assert entry.content_sha256 == events.case_snapshot_sha256(case)
        assert events.case_event_named(event.value.removeprefix("cases.case.")) == event


def test_a_case_record_is_not_taken_for_a_snapshot_event(staff):
    case = ready_case(staff)
    with pytest.raises(ValueError, match="does not carry the case snapshot"):
        events.case_recorded(case, staff.zhang.ledger_actor, CaseEvent.PAYMENT_RECORDED)
    with pytest.raises(ValueError):
        events.case_event_named("no_such_step")


@pytest.mark.parametrize("event", events.EXECUTION_EVENTS)
def test_every_execution_record_carries_the_digest_of_what_was_recorded(staff, event):
    case = ready_case(staff)
    content = {"payment": 1, "amount": "200.00"}
    entry = events.case_execution_recorded(case, staff.zhang, event, content)
    assert entry.action == event.value
    assert entry.content_sha256 == content_digest({"case": case.pk, **content})


def test_document_inputs_carry_the_digest_verify_recomputes(staff):
    from sanxiang.cases.models import CaseDocument

    case = ready_case(staff)
    document = CaseDocument.objects.create(
        case=case, kind="registration", version=1, docx_sha256="d" * 64, pdf_sha256="e" * 64,
        verification_code="abc123", fields={"content": "问：……答：……"}, created_by=staff.zhang,
    )  # fmt: skip
    generated, inputs = events.document_generated(document, staff.zhang)
    assert (generated.action, generated.content_sha256) == (
        CaseEvent.DOCUMENT_GENERATED.value,
        document.docx_sha256,
    )
    assert (inputs.action, inputs.content_sha256) == (
        CaseEvent.DOCUMENT_INPUTS.value,
        events.document_inputs_sha256(document.fields),
    )
    check = event_check_for("cases.casedocument")
    assert check is not None and check(inputs, {}) is None


@pytest.fixture
def heard(staff, general_case):
    """A case whose hearing was held on 2026-06-02, 立案 approved by the 负责人."""
    Case.objects.filter(pk=general_case.pk).update(hearing_right=True)
    with time_machine.travel(NOTICE_DAY, tick=False):
        step(staff.head, general_case, "register")
        step(staff.zhang, general_case, "conclude")
        step(staff.zhang, general_case, "notify")
    with time_machine.travel(date(2026, 5, 22), tick=False):
        step(staff.zhang, general_case, "request_hearing")
        step(staff.zhang, general_case, "notice_hearing")
    with time_machine.travel(date(2026, 6, 2), tick=False):
        attach_hearing_recording(staff, general_case)
        return step(staff.head, general_case, "hold_hearing")


def test_the_steps_stamp_their_facts_on_the_case(staff, heard):
    assert heard.hearing_held_on == date(2026, 6, 2)
    assert heard.registered_by == staff.head
    assert heard.closed_by is None
    with time_machine.travel(date(2026, 6, 2), tick=False):
        assert verify_ledger().ok


def test_verify_finds_a_hearing_date_removed_behind_the_services_back(staff, heard):
    Case.objects.filter(pk=heard.pk).update(hearing_held_on=None)
    entry = LedgerEntry.objects.filter(object_id=str(heard.pk)).first()
    assert "hearing_held_on differs" in (facts_problem(entry, {}) or "")


def test_verify_finds_an_approver_the_events_do_not_name(staff, heard):
    Case.objects.filter(pk=heard.pk).update(registered_by=staff.li)
    entry = LedgerEntry.objects.filter(object_id=str(heard.pk)).first()
    assert "registered_by differs" in (facts_problem(entry, {}) or "")


def test_the_migration_fills_the_facts_of_earlier_cases_from_their_events(staff, heard):
    from importlib import import_module

    migration = import_module("sanxiang.cases.migrations.0019_step_fact_columns")
    Case.objects.filter(pk=heard.pk).update(
        hearing_held_on=None, registered_by=None, closed_by=None
    )
    migration._fill_from_ledger(django_apps, None)
    heard.refresh_from_db()
    assert heard.hearing_held_on == date(2026, 6, 2)
    assert heard.registered_by == staff.head
    assert heard.closed_by is None
