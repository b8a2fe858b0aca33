"""Working days (行政处罚法第八十五条) against the State Council schedules."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanxiang.core import selectors
from sanxiang.core.models import CalendarDay, CalendarYear
from sanxiang.core.workdays import CalendarYearUnknownError, package_calendar

CAL = package_calendar()
LAST_PACKAGE_YEAR = max(CAL.years)


def test_national_day_2025_ends_on_the_adjusted_saturday():
    """国办发明电〔2024〕12号: 10-01…10-08 off, Saturday 10-11 is a working day."""
    assert CAL.add_workdays(date(2025, 9, 30), 3) == date(2025, 10, 11)


def test_spring_festival_2026_adjusted_saturday_is_a_working_day():
    assert CAL.is_workday(date(2026, 2, 14))
    assert not CAL.is_workday(date(2026, 2, 16))


def test_seven_working_days_across_spring_festival_2026():
    """Decided Friday 2026-02-13: 02-14 (Sat, 调休) is day 1, 02-15…23 are off, 02-24…27 are
    days 2–5, 02-28 (Sat, 调休) day 6, 03-01 (Sun) off, so the 7th working day is 03-02."""
    assert CAL.add_workdays(date(2026, 2, 13), 7) == date(2026, 3, 2)


def test_between_counts_days_after_start_up_to_end():
    assert CAL.workdays_between(date(2026, 2, 13), date(2026, 2, 24)) == 2
    assert CAL.workdays_between(date(2026, 2, 24), date(2026, 2, 13)) == -2
    assert CAL.workdays_between(date(2026, 3, 2), date(2026, 3, 2)) == 0


def test_add_workdays_refuses_a_count_that_is_not_positive():
    with pytest.raises(ValueError, match="positive"):
        CAL.add_workdays(date(2026, 3, 2), 0)


def test_year_without_schedule_is_an_error_not_a_weekend_guess():
    monday = date(LAST_PACKAGE_YEAR + 1, 3, 1)
    with pytest.raises(CalendarYearUnknownError) as caught:
        CAL.is_workday(monday)
    error = caught.value
    assert error.year == LAST_PACKAGE_YEAR + 1
    assert f"{LAST_PACKAGE_YEAR + 1} 年的法定节假日安排尚未录入" in error.message
    assert "import-year" in error.log_message


def test_deadline_running_into_an_unknown_year_is_refused():
    with pytest.raises(CalendarYearUnknownError):
        CAL.add_workdays(date(LAST_PACKAGE_YEAR, 12, 28), 5)


def test_years_before_2004_are_unknown_too():
    with pytest.raises(CalendarYearUnknownError):
        CAL.is_workday(date(2003, 6, 2))


@pytest.mark.parametrize("year", [2025, 2026])
def test_package_agrees_with_the_holidays_library_on_every_day(year):
    """Two independent sources of the State Council schedule give the same working days."""
    cn = holidays.country_holidays("CN", years=year)
    day = date(year, 1, 1)
    disagreements = []
    while day.year == year:
        if CAL.is_workday(day) != cn.is_working_day(day):
            disagreements.append(day)
        day += timedelta(days=1)
    assert disagreements == []


known_days = st.dates(min_value=date(2004, 1, 1), max_value=date(LAST_PACKAGE_YEAR, 11, 30))
counts = st.integers(min_value=1, max_value=20)


@given(start=known_days, n=counts)
def test_add_workdays_lands_on_a_working_day(start, n):
    assert CAL.is_workday(CAL.add_workdays(start, n))


@given(start=known_days, n=counts)
def test_add_workdays_is_strictly_increasing_in_n(start, n):
    assert CAL.add_workdays(start, n) < CAL.add_workdays(start, n + 1)


@given(start=known_days, n=counts)
def test_between_inverts_add(start, n):
    assert CAL.workdays_between(start, CAL.add_workdays(start, n)) == n


@given(a=known_days, b=known_days)
def test_between_is_antisymmetric(a, b):
    assert CAL.workdays_between(a, b) == -CAL.workdays_between(b, a)


# --- the override tables -----------------------------------------------------------------


@pytest.mark.django_db
def test_administrator_declared_year_becomes_computable():
    year = LAST_PACKAGE_YEAR + 1
    first_monday = next(date(year, 1, d) for d in range(1, 8) if date(year, 1, d).weekday() == 0)
    with pytest.raises(CalendarYearUnknownError):
        selectors.is_workday(first_monday)
    CalendarYear.objects.create(year=year, source="测试用通知（虚构）")
    CalendarDay.objects.create(date=first_monday, is_workday=False, note="测试假日", source="测试")
    assert selectors.is_workday(first_monday) is False
    assert selectors.is_workday(first_monday + timedelta(days=1)) is True
    assert selectors.add_workdays(first_monday - timedelta(days=1), 1) == first_monday + timedelta(
        days=1
    )


@pytest.mark.django_db
def test_override_of_a_package_day_wins():
    """A local correction (e.g. an announced change) replaces the package's answer."""
    day = date(2026, 3, 2)  # an ordinary Monday
    assert selectors.is_workday(day)
    CalendarDay.objects.create(date=day, is_workday=False, note="临时调整", source="测试")
    assert not selectors.is_workday(day)


@pytest.mark.django_db
def test_override_days_alone_do_not_make_a_year_known():
    year = LAST_PACKAGE_YEAR + 1
    CalendarDay.objects.create(date=date(year, 1, 1), is_workday=False, note="元旦", source="测试")
    with pytest.raises(CalendarYearUnknownError):
        selectors.is_workday(date(year, 1, 4))


def test_workdays_between_provisional_counts_an_unknown_year_monday_to_friday():
    start = date(LAST_PACKAGE_YEAR, 12, 31)
    end = start + timedelta(days=14)
    with pytest.raises(CalendarYearUnknownError):
        CAL.workdays_between(start, end)
    expected = sum(1 for i in range(1, 15) if (start + timedelta(days=i)).weekday() < 5)
    assert CAL.workdays_between_provisional(start, end) == expected
    assert CAL.workdays_between_provisional(end, start) == -expected
    known = date(LAST_PACKAGE_YEAR, 2, 1), date(LAST_PACKAGE_YEAR, 3, 1)
    assert CAL.workdays_between_provisional(*known) == CAL.workdays_between(*known)
