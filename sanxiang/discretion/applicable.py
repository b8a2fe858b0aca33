"""From the circumstances a case records to the tier that applies, its range and a suggested
amount — pure functions over a 违法行为 and its tiers (no queries beyond ``violation.tiers``).

The rule (docs/operations/discretion.md, data/discretion/README.md):

============================================  ===================================
circumstances ticked (kinds)                  tier kind
============================================  ===================================
none                                          一般处罚
首违不罚 or 轻微不罚, no 从重                    不予处罚 (行政处罚法第三十三条第一款)
从轻减轻 only                                  从轻处罚 (第三十二条); 减轻处罚 when the
                                              违法行为 has no 从轻 tier
从重 only                                      从重处罚
从重 together with 从轻减轻 (or a 不罚 entry)    一般处罚, unless ``both`` says otherwise
============================================  ===================================

行政处罚法第三十二条 lets the same circumstances give 从轻 *or* 减轻: which one is the agency's
discretion, so the rule proposes the milder step only where the benchmark has no 从轻 tier; a
减轻 below the 从轻 tier is a fine outside the applicable tier and needs written reasons.
Circumstances pulling both ways weigh against each other; the 裁量基准 rules of many agencies say
so in words (综合考量), the 一般 tier being the result unless the agency's rule says otherwise
(the ``both`` argument: ``Benchmark.both_tier_kind``, the file's 从重从轻并存 column).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sanxiang.discretion.models import CircumstanceKind, Tier, TierKind, Violation

_NO_PENALTY_KINDS = frozenset({CircumstanceKind.FIRST_OFFENCE, CircumstanceKind.MINOR})
ROUND_TO = Decimal(100)


def tier_kind_for(kinds: Iterable[str], *, both: str = TierKind.ORDINARY) -> TierKind:
    """The tier kind the ticked circumstance kinds point to (the table in this module's doc)."""
    ticked = set(kinds)
    heavier = CircumstanceKind.AGGRAVATING in ticked
    lighter = CircumstanceKind.MITIGATING in ticked
    excused = bool(ticked & _NO_PENALTY_KINDS)
    if heavier and (lighter or excused):
        return TierKind(both)
    if heavier:
        return TierKind.HEAVIER
    if excused:
        return TierKind.NO_PENALTY
    if lighter:
        return TierKind.LIGHTER
    return TierKind.ORDINARY


def tier_of_kind(violation: Violation, kind: str) -> Tier | None:
    """The first tier of ``violation`` of ``kind``; for 从轻 without one, its 减轻 tier."""
    tiers = list(violation.tiers.all())
    found = next((t for t in tiers if t.kind == kind), None)
    if found is None and kind == TierKind.LIGHTER:
        found = next((t for t in tiers if t.kind == TierKind.MITIGATED), None)
    return found


def _round(amount: Decimal) -> Decimal:
    return (amount / ROUND_TO).quantize(Decimal(1), rounding=ROUND_HALF_UP) * ROUND_TO


def _middle(low: Decimal | None, high: Decimal | None) -> Decimal | None:
    if low is None and high is None:
        return None
    if low is None or high is None:
        return low if low is not None else high
    return (low + high) / 2


def _clamp(amount: Decimal, low: Decimal | None, high: Decimal | None) -> Decimal:
    if low is not None and amount < low:
        return low
    if high is not None and amount > high:
        return high
    return amount


def _yuan(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Suggestion:
    """A suggested fine and how it was reached (中文), or why there is none."""

    amount: Decimal | None
    how: str


def suggested_fine(tier: Tier, *, base: Decimal | None = None) -> Suggestion:
    """The suggested fine within ``tier``.

    Fixed amounts: the middle of the tier's range, rounded to 100 元 (half up) and kept inside
    the range. Multiples of 违法所得 / 货值: the middle multiple times ``base`` (the amount the
    case recorded), rounded and kept inside any fixed bounds of the tier; without ``base``, none.
    A 不予处罚 tier suggests no fine; a tier with neither suggests none either.
    """
    if tier.kind == TierKind.NO_PENALTY:
        return Suggestion(None, "不予处罚，不罚款")
    multiple = _middle(tier.multiple_min, tier.multiple_max)
    if multiple is not None:
        name = tier.violation.get_multiple_base_display() or "违法所得或货值金额"
        if base is None or base <= 0:
            return Suggestion(None, f"阶次按{name}的倍数计算，本案未登记涉案金额，无法给出建议金额")
        amount = _clamp(_round(base * multiple), tier.fine_min, tier.fine_max)
        return Suggestion(
            amount,
            f"{name} {_yuan(base)} 元乘以阶次倍数的中间值 {_yuan(multiple)} 倍，取整到百元",
        )
    middle = _middle(tier.fine_min, tier.fine_max)
    if middle is None:
        return Suggestion(None, "该阶次未规定罚款数额")
    amount = _clamp(_round(middle), tier.fine_min, tier.fine_max)
    return Suggestion(amount, "取该阶次罚款幅度的中间值，取整到百元")


def outside_tier(tier: Tier, fine: Decimal | None, *, base: Decimal | None = None) -> str | None:
    """Why ``fine`` is outside ``tier`` (中文), or None when it is inside or cannot be told."""
    if tier.kind == TierKind.NO_PENALTY:
        if fine is not None and fine > 0:
            return f"适用阶次为“{tier.name}”，拟罚款 {_yuan(fine)} 元"
        return None
    if fine is None:
        return None
    if tier.fine_min is not None or tier.fine_max is not None:
        if tier.contains_fine(fine):
            return None
        if tier.multiple_min is None and tier.multiple_max is None:
            return (
                f"拟罚款 {_yuan(fine)} 元不在适用阶次“{tier.name}”的幅度（{tier.penalty_text}）内"
            )
    if tier.multiple_min is not None or tier.multiple_max is not None:
        if base is None or base <= 0:
            return None
        times = fine / base
        low = tier.multiple_min if tier.multiple_min is not None else Decimal(0)
        if low <= times and (tier.multiple_max is None or times <= tier.multiple_max):
            return None
        return f"拟罚款 {_yuan(fine)} 元不在适用阶次“{tier.name}”的幅度（{tier.penalty_text}）内"
    return None
