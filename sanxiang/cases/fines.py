"""Late payment of fines (加处罚款), as a pure function.

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
    days = 0
    day = due_on + timedelta(days=1)
    while day <= on:
        if not any(start <= day <= end for start, end in paused):
            days += 1
        day += timedelta(days=1)
    raw = (fine * DAILY_RATE * days).quantize(CENT, rounding=ROUND_HALF_UP)
    return LateFee(days=days, amount=min(raw, fine), capped=raw >= fine and days > 0)
