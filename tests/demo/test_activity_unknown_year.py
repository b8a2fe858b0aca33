"""``make run`` loads its demo year whatever the date: also in a year whose holiday schedule the
installation does not know yet (from 1 January until an administrator enters it, and in the
last days of December when a step's working days reach into the next year)."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.db import transaction

from sanxiang.cases.models import Case
from sanxiang.core.models import CalendarYear
from sanxiang.core.workdays import package_calendar
from sanxiang.demo.activity import CITY_MIX, activity_load
from sanxiang.demo.services import demo_load
from sanxiang.ledger.verify import verify_ledger
from tests.conftest import TEST_NOW

#: The first year the shipped schedules do not cover, computed so that the test holds in any year.
UNKNOWN = max(package_calendar().years) + 1


@pytest.mark.django_db
def test_the_demo_year_loads_when_its_end_is_in_a_year_without_a_holiday_schedule():
    assert not CalendarYear.objects.filter(year=UNKNOWN).exists()
    # March: the year's first months are unknown, the months before them known. (One demo year
    # takes a minute or more; late December, when only the last steps reach into the unknown
    # year, goes through the same code.)
    end = datetime(UNKNOWN, 3, 10, 10, 0, tzinfo=TEST_NOW.tzinfo)
    with time_machine.travel(end, tick=True), transaction.atomic():
        demo_load()
        summary = activity_load(cases=len(CITY_MIX))  # raised CalendarYearUnknownError before
        assert summary.cases == Case.objects.filter(random_draw__isnull=True).count() > 0
        report = verify_ledger()
        assert report.ok, report.problem
        transaction.set_rollback(True)
