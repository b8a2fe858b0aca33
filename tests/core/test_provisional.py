"""Provisional (暂定) working-day due dates: the pure count across an unknown year."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanxiang.core.deadlines import Deadline, WorkingDays
from sanxiang.core.workdays import CalendarYearUnknownError, Due, merge_overrides
from tests.core.boundary import LAST_KNOWN, UNKNOWN, calendar_up_to

KNOWN = calendar_up_to(LAST_KNOWN)

weekdays_of_unknown_year = st.lists(
    st.dates(date(UNKNOWN, 1, 1), date(UNKNOWN, 12, 31)).filter(lambda d: d.weekday() < 5),
    max_size=15,
)
starts = st.dates(date(LAST_KNOWN, 11, 1), date(UNKNOWN, 3, 31))
counts = st.integers(min_value=1, max_value=60)


def test_the_strict_count_still_refuses_an_unknown_year():
    with pytest.raises(CalendarYearUnknownError):
        KNOWN.add_workdays(date(LAST_KNOWN, 12, 28), 5)


def test_a_count_into_an_unknown_year_counts_its_weekdays_and_says_it_is_provisional():
    # 2026-12-28 is a Monday: 29, 30, 31 December, then Friday 1 and Monday 4 January.
    assert KNOWN.add_workdays_provisional(date(LAST_KNOWN, 12, 28), 5) == Due(
        on=date(UNKNOWN, 1, 4), provisional=True
    )


def test_a_count_inside_known_years_is_exact_and_not_provisional():
    # 国庆 2026: the known schedule is used, holidays and 调休上班 included.
    start = date(LAST_KNOWN, 9, 28)
    due = KNOWN.add_workdays_provisional(start, 7)
    assert due == Due(on=KNOWN.add_workdays(start, 7), provisional=False)


def test_a_working_day_period_gives_its_provisional_end():
    deadline = Deadline(WorkingDays(5), "告知之日", "行政处罚法第六十四条")
    due = deadline.due_provisional(date(LAST_KNOWN, 12, 28), KNOWN)
    assert due.provisional and due.on == date(UNKNOWN, 1, 4)


@settings(max_examples=300, deadline=None)
@given(start=starts, n=counts, holidays=weekdays_of_unknown_year)
def test_the_provisional_date_is_never_later_than_the_real_one_when_holidays_fall_on_weekdays(
    start, n, holidays
):
    real = merge_overrides(KNOWN, years=[UNKNOWN], overrides=dict.fromkeys(holidays, False))
    due = KNOWN.add_workdays_provisional(start, n)
    exact = real.add_workdays(start, n)
    assert due.on <= exact
    # Provisional exactly when some counted day lay in the unknown year.
    assert due.provisional == (due.on.year == UNKNOWN)
    if not due.provisional:
        assert due.on == exact


@settings(max_examples=200, deadline=None)
@given(start=starts, n=counts)
def test_without_holidays_the_provisional_date_is_the_real_one(start, n):
    real = merge_overrides(KNOWN, years=[UNKNOWN], overrides={})
    assert KNOWN.add_workdays_provisional(start, n).on == real.add_workdays(start, n)


@settings(max_examples=200, deadline=None)
@given(start=starts, n=counts, holidays=weekdays_of_unknown_year)
def test_an_administrators_days_entered_before_the_year_are_used_in_the_provisional_count(
    start, n, holidays
):
    # Holidays already entered day by day (节假日调整) but the year not declared complete yet.
    partial = merge_overrides(KNOWN, years=[], overrides=dict.fromkeys(holidays, False))
    real = merge_overrides(KNOWN, years=[UNKNOWN], overrides=dict.fromkeys(holidays, False))
    assert partial.add_workdays_provisional(start, n).on == real.add_workdays(start, n)


def test_a_weekend_working_day_in_the_window_is_the_one_way_the_real_date_comes_earlier():
    # A 调休上班 Sunday with its holidays after the window: the real count is one day faster.
    sunday = date(UNKNOWN, 1, 10)
    assert sunday.weekday() == 6
    real = merge_overrides(
        KNOWN,
        years=[UNKNOWN],
        overrides={sunday: True, date(UNKNOWN, 1, 20): False, date(UNKNOWN, 1, 21): False},
    )
    start = date(LAST_KNOWN, 12, 31)
    provisional = KNOWN.add_workdays_provisional(start, 7).on
    exact = real.add_workdays(start, 7)
    assert exact == provisional - timedelta(days=1)
