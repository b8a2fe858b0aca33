"""Typed legal periods: working days and calendar days are never confused."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanxiang.core.deadlines import CalendarDays, Deadline, WorkingDays
from sanxiang.core.workdays import package_calendar

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
