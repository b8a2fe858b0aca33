"""法制审核 as a sub-process: its own declaration walked state × action × role, the case's one
composite state, and the migration of cases that were in the old mirrored states."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from sanxiang.cases.events import CaseEvent, case_recorded
from sanxiang.cases.models import Case, StepTaken
from sanxiang.cases.workflow.engine import GuardContext, subprocess
from sanxiang.core.selectors import get_calendar
from sanxiang.ledger.verify import verify_ledger
from sanxiang.org.models import Role
from sanxiang.review.models import Review
from sanxiang.review.services import opinion_write
from sanxiang.review.workflow import REVIEW_PROCEDURE
from tests.conftest import make_officer
from tests.review.test_review_flow import ALL_OK, submit, with_problem

MIGRATION = importlib.import_module("sanxiang.cases.migrations.0021_review_as_sub_process")


def test_the_case_procedures_run_the_registered_review_procedure():
    found = subprocess("review")
    assert found is not None and found.definition is REVIEW_PROCEDURE


def test_the_review_procedure_allows_and_refuses_every_state_action_and_role_as_declared(
    staff, notified_case
):
    review = submit(staff, notified_case)
    case = Case.objects.get(pk=notified_case.pk)
    unit = staff.zhang.unit
    actors = {}
    for index, role in enumerate(Role.values):
        for handler in (True, False):
            officer = make_officer(
                unit=unit, name=f"{role}{int(handler)}", number=f"9901008{index:02d}{int(handler)}",
                roles=(role,),
            )  # fmt: skip
            if handler:
                case.handlers.add(officer)
            actors[role, handler] = officer
    today, calendar = timezone.localdate(), get_calendar()
    checked = 0
    for state, label in REVIEW_PROCEDURE.states.items():
        review.status = state
        for (role, handler), actor in actors.items():
            context = GuardContext(
                case=case, actor=actor, today=today, calendar=calendar, subject=review
            )
            offered = {t.action for t, _ in REVIEW_PROCEDURE.options(context)}
            assert offered == {t.action for t in REVIEW_PROCEDURE.transitions if state in t.source}
            for transition in REVIEW_PROCEDURE.transitions:
                refusal = REVIEW_PROCEDURE.refusal(transition, context)
                checked += 1
                if state not in transition.source:
                    assert refusal is not None and refusal.guard == "state"
                    assert refusal.message == (
                        f"法制审核当前处于“{label}”，不能进行“{transition.label}”。"
                    )
                elif role not in transition.roles:
                    assert refusal is not None and refusal.guard == "role"
                elif transition.handlers_only and not handler:
                    assert refusal is not None and refusal.guard == "handler"
                else:
                    # Nothing is written yet in this review: every step waits for its record.
                    assert refusal is not None
                    assert refusal.guard in {g.name for g in transition.guards}
    assert checked == len(REVIEW_PROCEDURE.states) * len(actors) * len(REVIEW_PROCEDURE.transitions)


def test_the_case_stays_in_one_state_while_its_review_moves(staff, notified_case):
    review = submit(staff, notified_case)
    opinion_write(
        actor=staff.zhou, review_id=review.pk, points=with_problem(), conclusion="problems",
        summary="证据不充分，请补充。",
    )  # fmt: skip
    assert Case.objects.get(pk=notified_case.pk).state == "under_review"
    assert Review.objects.get(pk=review.pk).status == "returned"
    # The reviewer's opinion is the review's step, not a step of the case: the case's history
    # ends with the submission.
    last = StepTaken.objects.filter(case_id=notified_case.pk).order_by("-pk").first()
    assert last is not None and last.action == "submit_review"


def test_the_case_page_shows_the_review_state_inside_the_case_state(client, staff, notified_case):
    review = submit(staff, notified_case)
    opinion_write(
        actor=staff.zhou, review_id=review.pk, points=with_problem(), conclusion="problems",
        summary="证据不充分，请补充。",
    )  # fmt: skip
    client.force_login(staff.zhang.user)
    page = client.get(reverse("cases:detail", args=[notified_case.pk])).content.decode()
    assert "法制审核中（退回承办机构）" in page
    assert "法制审核（查看、审核、答复）" in page
    # The decision is shown as waiting for the review, with the reason.
    assert "审核通过”后方可进行“作出行政处罚决定”" in page


def _legacy(case: Case, state: str) -> None:
    """Put ``case`` as it was before the migration: in an old mirrored state, with its latest
    event recording that state."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case SET state = %s WHERE id = %s", [state, case.pk])
    case_recorded(Case.objects.get(pk=case.pk), "system", CaseEvent.ASSESSED)


@pytest.mark.parametrize("legacy", ["review_returned", "committee", "reviewed"])
def test_migrated_cases_verify_against_the_events_recorded_before(staff, notified_case, legacy):
    review = submit(staff, notified_case)
    if legacy == "reviewed":
        opinion_write(
            actor=staff.zhou, review_id=review.pk, points=ALL_OK, conclusion="agree",
            summary="同意",
        )  # fmt: skip
    _legacy(notified_case, legacy)
    assert verify_ledger().ok  # before: the state matches its event
    MIGRATION.merge(apps, None)
    assert Case.objects.get(pk=notified_case.pk).state == "under_review"
    assert verify_ledger().ok, verify_ledger().problems
    # The renamed state is the only thing accepted: any other change is still found.
    Case.objects.filter(pk=notified_case.pk).update(facts="改过的事实")
    report = verify_ledger()
    assert not report.ok
    assert any(f"cases.case {notified_case.pk}" in p for p in report.problems)


def test_an_old_state_name_is_not_accepted_for_another_state(staff, notified_case):
    submit(staff, notified_case)
    _legacy(notified_case, "reviewed")
    # Not what the migration does: the case moved on to a decision behind the services' back.
    Case.objects.filter(pk=notified_case.pk).update(state="decided")
    report = verify_ledger()
    assert any(f"cases.case {notified_case.pk}" in p for p in report.problems)


def test_the_migration_is_reversible(staff, notified_case):
    review = submit(staff, notified_case)
    opinion_write(
        actor=staff.zhou, review_id=review.pk, points=with_problem(), conclusion="problems",
        summary="证据不充分。",
    )  # fmt: skip
    MIGRATION.split(apps, None)
    assert Case.objects.get(pk=notified_case.pk).state == "review_returned"
    MIGRATION.merge(apps, None)
    assert Case.objects.get(pk=notified_case.pk).state == "under_review"
