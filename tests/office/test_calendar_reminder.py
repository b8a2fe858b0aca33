"""From 1 November the office reminds administrators to enter next year's holiday schedule."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from sanxiang.core.models import CalendarDay, CalendarYear
from tests.conftest import make_officer
from tests.core.boundary import UNKNOWN, at, next_year_unknown  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("next_year_unknown")

REMINDER = f"{UNKNOWN} 年法定节假日安排尚未录入"


@pytest.fixture
def people(agency, django_user_model):
    squad = agency.units.get(name="执法一大队")
    admin = django_user_model.objects.create_user("admin", password="x" * 12, is_staff=True)
    make_officer(unit=squad, name="管理员", number="99010010009", user=admin)
    officer = django_user_model.objects.create_user("zhangwei", password="x" * 12)
    make_officer(unit=squad, name="张伟", number="99010010002", user=officer)
    return admin, officer


def home(client, user, when) -> str:
    with time_machine.travel(when, tick=False):
        client.force_login(user)
        page: str = client.get(reverse("office:home")).content.decode()
    return page


def test_an_administrator_sees_the_reminder_from_1_november_with_a_link_to_the_admin(
    client, people
):
    admin, _ = people
    page = home(client, admin, at(UNKNOWN - 1, 11, 1, hour=9))
    assert REMINDER in page
    assert reverse("admin:core_calendaryear_changelist") in page


def test_no_reminder_in_october(client, people):
    admin, _ = people
    assert REMINDER not in home(client, admin, at(UNKNOWN - 1, 10, 31, hour=18))


def test_an_officer_who_is_not_an_administrator_sees_no_reminder(client, people):
    _, officer = people
    assert REMINDER not in home(client, officer, at(UNKNOWN - 1, 12, 20))


def test_the_reminder_goes_once_next_year_is_entered(client, people):
    admin, _ = people
    CalendarDay.objects.create(
        date=date(UNKNOWN, 1, 1), is_workday=False, note="元旦", source="测试通知"
    )
    assert REMINDER in home(client, admin, at(UNKNOWN - 1, 12, 20))
    CalendarYear.objects.create(year=UNKNOWN, source="测试通知")
    assert REMINDER not in home(client, admin, at(UNKNOWN - 1, 12, 20))
