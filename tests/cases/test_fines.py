"""加处罚款: 3% of the fine a day after the deadline, never more than the fine (第七十二条)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from sanxiang.cases.fines import late_fee

DUE = date(2026, 6, 4)


def test_nothing_is_added_on_or_before_the_due_date():
    assert late_fee(fine=Decimal("1000"), due_on=DUE, on=DUE).amount == 0


def test_three_percent_a_day_after_the_due_date():
    fee = late_fee(fine=Decimal("1000"), due_on=DUE, on=DUE + timedelta(days=10))
    assert (fee.days, fee.amount, fee.capped) == (10, Decimal("300.00"), False)


def test_the_addition_never_exceeds_the_fine():
    fee = late_fee(fine=Decimal("1000"), due_on=DUE, on=DUE + timedelta(days=60))
    assert (fee.days, fee.amount, fee.capped) == (60, Decimal("1000"), True)


def test_days_of_reconsideration_or_litigation_are_not_counted():
    """第七十三条第三款."""
    paused = ((DUE + timedelta(days=3), DUE + timedelta(days=7)),)
    fee = late_fee(fine=Decimal("200"), due_on=DUE, on=DUE + timedelta(days=10), paused=paused)
    assert (fee.days, fee.amount) == (5, Decimal("30.00"))


fines = st.decimals(min_value=0, max_value=10**7, places=2)
days = st.integers(min_value=0, max_value=400)


@given(fine=fines, after=days)
def test_never_more_than_the_fine(fine, after):
    assert late_fee(fine=fine, due_on=DUE, on=DUE + timedelta(days=after)).amount <= fine


@given(fine=fines, after=days)
def test_never_shrinks_as_days_pass(fine, after):
    today = late_fee(fine=fine, due_on=DUE, on=DUE + timedelta(days=after)).amount
    assert late_fee(fine=fine, due_on=DUE, on=DUE + timedelta(days=after + 1)).amount >= today
