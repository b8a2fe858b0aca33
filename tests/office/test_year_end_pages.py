"""From late December of the last year the holiday package knows, until an administrator enters
next year's schedule, the office pages that count "within 3 working days" windows still answer:
the window runs into the unknown year and is counted provisionally (Monday to Friday), never
refused with an error.

The year is the package's own last year (not a fixed one), and no ``CalendarYear`` covers the
next, so the test travels to a real year end whatever year it runs in.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from sanxiang.cases.models import Case
from sanxiang.cases.services import case_transition
from sanxiang.core.models import CalendarYear
from sanxiang.core.selectors import get_calendar
from sanxiang.core.services import provisional_deadline_note
from sanxiang.core.workdays import package_calendar
from tests.cases.conftest import ready_case

pytestmark = pytest.mark.dates

LAST_KNOWN = max(package_calendar().years)
SHANGHAI = ZoneInfo("Asia/Shanghai")
PROVISIONAL = "暂定"


@pytest.fixture
def crossing_case(staff):
    """A registered case of 张伟's whose step is due, provisionally, early next year."""
    case = ready_case(staff)
    case_transition(actor=staff.head, case_id=case.pk, action="register")
    start = date(LAST_KNOWN, 12, 29)
    due = get_calendar().add_workdays_provisional(start, 3)
    assert due.provisional and due.on.year == LAST_KNOWN + 1
    Case.objects.filter(pk=case.pk).update(step_due_on=due.on)
    case.refresh_from_db()
    provisional_deadline_note(
        instance=case, field="step_due_on", start=start, workdays=3, due=due,
        actor=staff.head.ledger_actor, agency_id=case.agency_id,
    )  # fmt: skip
    return case


def pages_for(who: str, case: Case) -> list[tuple[str, dict[str, str]]]:
    office: list[tuple[str, dict[str, str]]] = [
        (reverse("office:home"), {}),
        (reverse("office:desk-count"), {}),
    ]
    if who in ("zhang", "head"):
        return [*office, (reverse("cases:mine"), {}), (reverse("cases:detail", args=[case.pk]), {})]
    if who == "zhou":
        return [*office, (reverse("review:queue"), {})]
    return [
        (reverse("supervision:home"), {}),
        (reverse("supervision:cases"), {"metric": "due_soon"}),
        (reverse("supervision:cases"), {"metric": "overdue"}),
    ]


@pytest.mark.parametrize("day", [29, 31])
@pytest.mark.parametrize("who", ["zhang", "head", "zhou", "supervisor"])
def test_the_office_answers_at_the_year_end_before_next_year_is_entered(
    client, staff, oversight, crossing_case, day, who
):
    assert not CalendarYear.objects.filter(year=LAST_KNOWN + 1).exists()
    officer = oversight.supervisor if who == "supervisor" else getattr(staff, who)
    with time_machine.travel(datetime(LAST_KNOWN, 12, day, 10, tzinfo=SHANGHAI), tick=False):
        client.force_login(officer.user)  # the session of a login at TEST_NOW would be expired
        for url, query in pages_for(who, crossing_case):
            response = client.get(url, query)
            assert response.status_code == 200, (url, query, response.status_code)
            if url in (reverse("cases:mine"), reverse("cases:detail", args=[crossing_case.pk])):
                page = response.content.decode()
                assert crossing_case.title in page, url
                assert PROVISIONAL in page, url


def test_the_desk_lists_the_case_due_early_next_year_as_due_soon(client, staff, crossing_case):
    with time_machine.travel(datetime(LAST_KNOWN, 12, 31, 10, tzinfo=SHANGHAI), tick=False):
        client.force_login(staff.zhang.user)
        desk = client.get(reverse("office:home")).context["desk"]
    assert [row["pk"] for row in desk.due_soon] == [crossing_case.pk]
    assert desk.due_soon_total == 1
