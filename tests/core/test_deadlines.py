"""Typed legal periods: working days and calendar days are never confused."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanxiang.core.deadlines import CalendarDays, Deadline, WorkingDays
from sanxiang.core.workdays import package_calendar

pytestmark = pytest.mark.dates  # due dates counted from today (make test-year-end)


CAL = package_calendar()


def test_seven_working_days_to_serve_a_decision_skip_national_day():
    """行政处罚法第六十一条、第八十五条: decided 2025-09-30; 10-01…08 are off; the working days
    are 10-09, 10-10, 10-11 (Saturday, 调休), 10-13, 10-14, 10-15, 10-16."""
    assert WorkingDays(7).due(date(2025, 9, 30), CAL) == date(2025, 10, 16)


def test_ninety_calendar_days_to_decide_ignore_holidays():
    """行政处罚法第六十条: 90 days from 立案, holidays included."""
    assert CalendarDays(90).due(date(2025, 9, 30), CAL) == date(2025, 12, 29)


def test_a_deadline_says_its_clock_and_basis():
    deadline = Deadline(WorkingDays(5), starts="告知之日", basis="行政处罚法第六十四条")
    assert str(deadline) == "自告知之日起5个工作日（行政处罚法第六十四条）"
    assert (
        str(Deadline(CalendarDays(90), "立案之日", "行政处罚法第六十条"))
        == "自立案之日起90日（行政处罚法第六十条）"
    )


@pytest.mark.parametrize("period", [WorkingDays, CalendarDays])
def test_a_period_needs_at_least_one_day(period):
    with pytest.raises(ValueError):
        period(0)


@given(start=st.dates(date(2005, 1, 1), date(2026, 11, 30)), days=st.integers(1, 20))
def test_working_days_never_end_sooner_than_calendar_days(start, days):
    assert WorkingDays(days).due(start, CAL) >= CalendarDays(days).due(start)


def test_fifteen_days_to_pay_ending_on_a_sunday_end_on_monday():
    """行政处罚法第六十七条 with 民事诉讼法第八十五条: served 2026-03-07, the 15th day is Sunday
    2026-03-22, so the party may still pay on Monday the 23rd."""
    assert CalendarDays(15).due(date(2026, 3, 7), CAL) == date(2026, 3, 23)


def test_a_period_ending_in_national_day_ends_on_the_first_working_day_after():
    # Served 2026-09-16: the 15th day is 2026-10-01, inside the holiday (1–7 October).
    assert CalendarDays(15).due(date(2026, 9, 16), CAL) == date(2026, 10, 8)


def test_a_period_ending_on_an_adjusted_working_saturday_does_not_move():
    # 2026-10-10 is a Saturday worked in exchange for National Day: not a 休假日.
    assert CalendarDays(30).due(date(2026, 9, 10), CAL) == date(2026, 10, 10)


def test_holidays_inside_the_period_still_count():
    # 2026-09-20 + 30 days = 2026-10-20, a Tuesday: National Day inside the period is not added.
    assert CalendarDays(30).due(date(2026, 9, 20), CAL) == date(2026, 10, 20)


def test_a_limit_in_hours_never_rolls():
    # 行政强制法第十九条: 24 hours from a Friday are Saturday, whatever the calendar says.
    assert CalendarDays(1, rolls=False).due(date(2026, 3, 6), CAL) == date(2026, 3, 7)


def test_an_unknown_year_leaves_the_end_unrolled_rather_than_guessing():
    # 2027's schedule is not entered: 2027-01-03 is a Sunday, but no holiday rule is assumed.
    assert CalendarDays(15).due(date(2026, 12, 19), CAL) == date(2027, 1, 3)


def test_months_end_on_the_same_day_or_the_month_end_and_roll_past_holidays():
    from sanxiang.core.deadlines import Months

    assert Months(6).due(date(2026, 5, 20)) == date(2026, 11, 20)
    assert Months(3).due(date(2026, 11, 30)) == date(2027, 2, 28)  # February is shorter
    assert str(Months(6)) == "6个月"
    # 2026-04-04 is a Saturday in the 清明 holiday (4–6 April): the period ends on 7 April.
    assert Months(6).due(date(2025, 10, 4), CAL) == date(2026, 4, 7)


def test_an_unknown_year_is_warned_once_an_hour_not_at_every_count(caplog, monkeypatch):
    # A case page counts several period ends; in December, with next year's schedule not entered,
    # each page view used to log the same WARNING several times. The operator gets it once per
    # year per process per hour; the repeats stay at DEBUG.
    import logging

    from sanxiang.core import deadlines

    clock = [1000.0]
    monkeypatch.setattr(deadlines, "_clock", lambda: clock[0])
    monkeypatch.setattr(deadlines, "_unrolled_warned", {})
    start = date(2199, 12, 25)  # its 15th day is in 2200, a year no schedule will know
    with caplog.at_level(logging.DEBUG, logger="sanxiang.core.deadlines"):
        for _ in range(3):
            assert CalendarDays(15).due(start, CAL) == date(2200, 1, 9)
        clock[0] += deadlines.UNROLLED_WARNING_EVERY_SECONDS
        CalendarDays(15).due(start, CAL)
    levels = [r.levelname for r in caplog.records if "not rolled" in r.getMessage()]
    assert levels == ["WARNING", "DEBUG", "DEBUG", "WARNING"]
    assert "2200" in caplog.records[0].getMessage()
