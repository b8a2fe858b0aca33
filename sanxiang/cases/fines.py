"""Amounts the law sets for fines, as pure functions: the 当场处罚 limits and late payment.

行政处罚法第五十一条: a fine may be imposed on the spot only up to 200 yuan for a citizen and
3000 yuan for a legal person or other organisation. ``ON_SPOT_LIMITS`` is the one place these
amounts are written; the workflow guard, the phone form and its page all read it.

行政处罚法第七十二条第一项: a fine not paid when due grows by 3% of the fine for each day, and
the addition never exceeds the fine itself. 第七十三条第三款: days while 行政复议 or 行政诉讼
is pending are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

DAILY_RATE = Decimal("0.03")
CENT = Decimal("0.01")
ON_SPOT_ARTICLE = "行政处罚法第五十一条"


@dataclass(frozen=True)
class OnSpotLimits:
    """The highest fine 当场处罚 may impose, by kind of party (``PartyKind`` values)."""

    person: Decimal
    organisation: Decimal

    def for_party(self, kind: str) -> Decimal:
        """The limit for a party of ``kind`` ("person" or "organisation")."""
        if kind == "person":
            return self.person
        if kind == "organisation":
            return self.organisation
        raise ValueError(f"no on-the-spot limit for party kind {kind!r}")

    def text(self, upto: str = "") -> str:
        """The limits as the law words them: 公民二百元、法人或者其他组织三千元 (with
        ``upto="以下"``: 公民二百元以下、法人或者其他组织三千元以下)."""
        return (
            f"公民{chinese_number(self.person)}元{upto}、"
            f"法人或者其他组织{chinese_number(self.organisation)}元{upto}"
        )


ON_SPOT_LIMITS = OnSpotLimits(person=Decimal("200"), organisation=Decimal("3000"))

_DIGITS = "零一二三四五六七八九"
_UNITS = ("", "十", "百", "千")


def chinese_number(amount: Decimal) -> str:
    """A whole amount from 1 to 9999 in Chinese numerals, as statutes write it (二百, 三千)."""
    if amount != amount.to_integral_value() or not 0 < amount < 10000:
        raise ValueError(f"not a whole number from 1 to 9999: {amount}")
    digits = [int(d) for d in str(int(amount))]
    words: list[str] = []
    zero = False
    for place, digit in zip(range(len(digits) - 1, -1, -1), digits, strict=True):
        if digit == 0:
            zero = True
            continue
        if zero and words:
            words.append(_DIGITS[0])
        zero = False
        leading_ten = place == 1 and digit == 1 and not words  # 十五, not 一十五
        words.append(("" if leading_ten else _DIGITS[digit]) + _UNITS[place])
    return "".join(words)


@dataclass(frozen=True)
class LateFee:
    days: int
    amount: Decimal
    capped: bool


def late_fee(
    *, fine: Decimal, due_on: date, on: date, paused: tuple[tuple[date, date], ...] = ()
) -> LateFee:
    """The late fee owed on ``on`` for a fine due on ``due_on`` (paid on time: zero).

    Every day after ``due_on`` up to and including ``on`` counts, except days inside a
    ``paused`` period (first and last day included).
    """
    if fine < 0:
        raise ValueError("a fine cannot be negative")
    first = due_on + timedelta(days=1)
    days = max((on - first).days + 1, 0)
    # Counted by arithmetic, not day by day (a fine unpaid for years is read on every case
    # page): the days of the paused periods that fall in the span, overlaps counted once.
    reach = first - timedelta(days=1)  # the last day already taken off
    for start, end in sorted(paused):
        start, end = max(start, first, reach + timedelta(days=1)), min(end, on)
        if start <= end:
            days -= (end - start).days + 1
            reach = end
    raw = (fine * DAILY_RATE * days).quantize(CENT, rounding=ROUND_HALF_UP)
    return LateFee(days=days, amount=min(raw, fine), capped=raw >= fine and days > 0)


@dataclass(frozen=True)
class Installment:
    """One amount due on one day: the whole fine (第六十七条), or a part of an approved
    暂缓或者分期缴纳 schedule (第六十六条第二款)."""

    due_on: date
    amount: Decimal


@dataclass(frozen=True)
class InstallmentState:
    due_on: date
    amount: Decimal
    settled_on: date | None  # the day payments covered it in full
    late: LateFee


@dataclass(frozen=True)
class Account:
    """What a party owes and has paid on a day."""

    principal: Decimal
    late_fee: Decimal
    paid: Decimal
    installments: tuple[InstallmentState, ...]

    @property
    def owed(self) -> Decimal:
        return self.principal + self.late_fee

    @property
    def outstanding(self) -> Decimal:
        return max(self.owed - self.paid, Decimal("0.00"))

    @property
    def late_days(self) -> int:
        return max((i.late.days for i in self.installments), default=0)

    @property
    def next_due_on(self) -> date | None:
        """The due date of the first installment not yet covered."""
        return next((i.due_on for i in self.installments if i.settled_on is None), None)


def account(
    *,
    installments: tuple[Installment, ...],
    payments: tuple[tuple[date, Decimal], ...],
    on: date,
    paused: tuple[tuple[date, date], ...] = (),
) -> Account:
    """The account on ``on``: payments (up to that day) cover the installments in due order;
    each installment's late fee runs from its own due date until the day it is covered.

    Reading of 第六十六条第二款 with 第七十二条第一项 (the law does not say it in words): once
    instalments are approved, each instalment is a fine "due" on its own date, so the 3% a day
    is of the overdue instalment and is capped at that instalment; instalments paid on time
    add nothing. Money paid beyond all instalments goes to the late fee.
    """
    ordered = sorted(installments, key=lambda i: i.due_on)
    paid_so_far = [(day, amount) for day, amount in sorted(payments) if day <= on]
    states = []
    remaining = list(paid_so_far)
    carried = Decimal("0.00")  # paid but not yet applied to an installment
    carried_day: date | None = None
    for item in ordered:
        need = item.amount
        settled_on = None
        while need > 0:
            if carried <= 0:
                if not remaining:
                    break
                carried_day, carried = remaining.pop(0)
            used = min(carried, need)
            need -= used
            carried -= used
            if need <= 0:
                settled_on = carried_day
        stop = settled_on if settled_on is not None else on
        states.append(
            InstallmentState(
                due_on=item.due_on,
                amount=item.amount,
                settled_on=settled_on,
                late=late_fee(fine=item.amount, due_on=item.due_on, on=stop, paused=paused),
            )
        )
    return Account(
        principal=sum((i.amount for i in ordered), Decimal("0.00")),
        late_fee=sum((s.late.amount for s in states), Decimal("0.00")),
        paid=sum((amount for _, amount in paid_so_far), Decimal("0.00")),
        installments=tuple(states),
    )
