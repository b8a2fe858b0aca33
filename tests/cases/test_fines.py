"""加处罚款: 3% of the fine a day after the deadline, never more than the fine (第七十二条)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from sanxiang.cases.fines import Installment, account, late_fee

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


def test_overlapping_pauses_and_pauses_outside_the_late_days_are_counted_once():
    """A 复议 and a 诉讼 whose periods overlap stop the count once for their common days; days
    paused before the due date or after today change nothing."""
    paused = (
        (DUE + timedelta(days=5), DUE + timedelta(days=9)),
        (DUE + timedelta(days=2), DUE + timedelta(days=6)),
        (DUE - timedelta(days=30), DUE + timedelta(days=1)),
        (DUE + timedelta(days=40), DUE + timedelta(days=50)),
    )
    fee = late_fee(fine=Decimal("1000"), due_on=DUE, on=DUE + timedelta(days=20), paused=paused)
    # Days 1 … 20 after the due date, less days 1 and 2 … 9: eleven.
    assert fee.days == 11


fines = st.decimals(min_value=0, max_value=10**7, places=2)
days = st.integers(min_value=0, max_value=400)


@given(fine=fines, after=days)
def test_never_more_than_the_fine(fine, after):
    assert late_fee(fine=fine, due_on=DUE, on=DUE + timedelta(days=after)).amount <= fine


@given(fine=fines, after=days)
def test_never_shrinks_as_days_pass(fine, after):
    today = late_fee(fine=fine, due_on=DUE, on=DUE + timedelta(days=after)).amount
    assert late_fee(fine=fine, due_on=DUE, on=DUE + timedelta(days=after + 1)).amount >= today


# The account: instalments (第六十六条第二款) and payments --------------------------------------

amounts = st.decimals(min_value=Decimal("0.01"), max_value=10**6, places=2)


def test_instalments_paid_on_time_add_nothing_and_a_late_one_grows_by_itself():
    parts = (
        Installment(DUE, Decimal("300")),
        Installment(DUE + timedelta(days=30), Decimal("700")),
    )
    on_time = account(
        installments=parts,
        payments=((DUE, Decimal("300")), (DUE + timedelta(days=30), Decimal("700"))),
        on=DUE + timedelta(days=60),
    )
    assert (on_time.late_fee, on_time.outstanding, on_time.next_due_on) == (
        Decimal("0.00"),
        Decimal("0.00"),
        None,
    )
    late = account(
        installments=parts, payments=((DUE, Decimal("300")),), on=DUE + timedelta(days=32)
    )
    # Two days late on the 700: 42.00; the 300 was on time.
    assert (late.late_fee, late.outstanding) == (Decimal("42.00"), Decimal("742.00"))
    assert late.next_due_on == DUE + timedelta(days=30)


@given(
    parts=st.lists(st.tuples(st.integers(0, 90), amounts), min_size=1, max_size=4),
    payments=st.lists(st.tuples(st.integers(0, 200), amounts), max_size=5),
    after=days,
)
def test_the_account_never_owes_more_than_twice_the_fine_nor_less_than_nothing(
    parts, payments, after
):
    instalments = tuple(Installment(DUE + timedelta(days=d), a) for d, a in parts)
    money = account(
        installments=instalments,
        payments=tuple((DUE + timedelta(days=d), a) for d, a in payments),
        on=DUE + timedelta(days=after),
    )
    fine = sum(a for _, a in parts)
    assert 0 <= money.late_fee <= fine
    assert money.principal == fine and money.outstanding >= 0


def test_the_on_spot_limits_are_worded_as_article_51_words_them():
    from sanxiang.cases.fines import ON_SPOT_LIMITS, chinese_number

    assert ON_SPOT_LIMITS.text() == "公民二百元、法人或者其他组织三千元"
    assert ON_SPOT_LIMITS.text(upto="以下") == "公民二百元以下、法人或者其他组织三千元以下"
    assert [chinese_number(Decimal(n)) for n in (15, 100, 205, 1001, 3050)] == [
        "十五", "一百", "二百零五", "一千零一", "三千零五十",
    ]  # fmt: skip
