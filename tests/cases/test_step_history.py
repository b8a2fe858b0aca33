"""The case's status history (``StepTaken``): a row per step or edit, written with its event,
append-only, filled for earlier cases from their events by migration 0020."""

from __future__ import annotations

from datetime import date
from importlib import import_module
from itertools import pairwise

import pytest
import time_machine
from django.apps import apps as django_apps
from django.db import DatabaseError, connection, transaction

from sanxiang.cases.models import Case, StepTaken
from sanxiang.cases.services import case_transition
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.triggers import create_append_only, drop_append_only
from tests.cases.conftest import attach_hearing_recording
from tests.conftest import prepare_step

pytestmark = pytest.mark.dates

COLUMNS = ("action", "from_state", "to_state", "officer_id", "actor", "taken_at", "taken_on")


def step(actor, case, action):
    prepare_step(actor, case.pk, action)
    return case_transition(actor=actor, case_id=case.pk, action=action)


@pytest.fixture
def heard(staff, general_case):
    """A case registered by the 负责人 on 2026-05-20, heard on 2026-06-02."""
    Case.objects.filter(pk=general_case.pk).update(hearing_right=True)
    with time_machine.travel(date(2026, 5, 20), tick=False):
        step(staff.head, general_case, "register")
        step(staff.zhang, general_case, "conclude")
        step(staff.zhang, general_case, "notify")
    with time_machine.travel(date(2026, 5, 22), tick=False):
        step(staff.zhang, general_case, "request_hearing")
        step(staff.zhang, general_case, "notice_hearing")
    with time_machine.travel(date(2026, 6, 2), tick=False):
        attach_hearing_recording(staff, general_case)
        return step(staff.head, general_case, "hold_hearing")


def history(case):
    return list(StepTaken.objects.filter(case=case).order_by("pk").values_list(*COLUMNS))


def test_each_step_and_edit_is_a_row_with_the_time_of_its_event(staff, heard):
    rows = list(StepTaken.objects.filter(case=heard).order_by("pk"))
    assert [r.action for r in rows] == [
        "opened", "party_added", "register", "basis_set", "conclude", "notify",
        "request_hearing", "notice_hearing", "hold_hearing",
    ]  # fmt: skip
    register = rows[2]
    assert (register.officer, register.actor) == (staff.head, staff.head.ledger_actor)
    assert register.from_state != register.to_state
    assert rows[1].from_state == rows[1].to_state  # an edit leaves the state as it was
    # Each row continues from the state the row before it left.
    assert all(a.to_state == b.from_state for a, b in pairwise(rows))
    assert rows[-1].to_state == heard.state
    assert rows[-1].taken_on == date(2026, 6, 2) == heard.hearing_held_on
    events = LedgerEntry.objects.filter(
        object_type="cases.case",
        object_id=str(heard.pk),
        action__in=[f"cases.case.{r.action}" for r in rows],
    ).order_by("sequence")
    assert [(r.action, r.taken_at) for r in rows] == [
        (e.action.removeprefix("cases.case."), e.recorded_at) for e in events
    ]


def test_a_refused_step_leaves_no_row(staff, general_case):
    from sanxiang.cases.workflow.engine import TransitionRefused

    before = history(general_case)
    with pytest.raises(TransitionRefused):
        step(staff.zhang, general_case, "hold_hearing")
    assert history(general_case) == before


def test_the_history_is_append_only(staff, general_case):
    row = StepTaken.objects.filter(case=general_case).first()
    assert row is not None
    with pytest.raises(DatabaseError), transaction.atomic():
        StepTaken.objects.filter(pk=row.pk).update(actor="user:999")
    with pytest.raises(DatabaseError), transaction.atomic():
        StepTaken.objects.filter(pk=row.pk).delete()


class _Editor:
    """Enough of a schema editor for the trigger helpers, inside the test's transaction."""

    connection = connection

    def execute(self, sql, params=None):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def test_the_migration_fills_the_history_of_earlier_cases_from_their_events(staff, heard):
    written = history(heard)
    # An earlier case: its events, but no rows (the triggers are restored within the test).
    drop_append_only(_Editor(), ("cases_steptaken",))
    StepTaken.objects.filter(case=heard).delete()
    create_append_only(_Editor(), ("cases_steptaken",))
    assert history(heard) == []
    migration = import_module("sanxiang.cases.migrations.0020_case_step_history")
    migration._fill_from_ledger(django_apps, None)
    assert history(heard) == written
    # Cases that have their rows already are left alone.
    migration._fill_from_ledger(django_apps, None)
    assert history(heard) == written


def test_the_migration_keeps_an_actor_it_cannot_name_an_officer_for(staff, general_case):
    from sanxiang.cases.events import CaseStep, case_recorded

    drop_append_only(_Editor(), ("cases_steptaken",))
    StepTaken.objects.filter(case=general_case).delete()
    create_append_only(_Editor(), ("cases_steptaken",))
    case_recorded(general_case, "user:987654", CaseStep.named("cases.case.register"))
    import_module("sanxiang.cases.migrations.0020_case_step_history")._fill_from_ledger(
        django_apps, None
    )
    row = StepTaken.objects.get(case=general_case, action="register")
    assert (row.officer_id, row.actor) == (None, "user:987654")
    assert row.from_state == Case.objects.get(pk=general_case.pk).state
