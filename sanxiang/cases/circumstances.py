"""What the case's recorded 裁量情节 say (reads): the tier that applies, its range, a suggested
amount and why, and whether the proposed fine lies outside that tier.

The rule itself is ``discretion.applicable`` (pure); this module only gathers the case's rows.
The case page, the assessment's check, the legal reviewer's pre-check and the decision's 说理
all read ``case_discretion`` so that they say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sanxiang.cases.models import Case, CaseCircumstance
from sanxiang.discretion.applicable import (
    Suggestion,
    outside_tier,
    suggested_fine,
    tier_kind_for,
    tier_of_kind,
)
from sanxiang.discretion.models import Circumstance, Tier, TierKind, Violation
from sanxiang.discretion.selectors import KIND_ORDER, violation_with_tiers


def _yuan(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def case_circumstance_rows(case: Case) -> list[CaseCircumstance]:
    """The case's recorded 情节 with their evidence and documents, in the benchmark's order."""
    rows = (
        CaseCircumstance.objects.filter(case=case)
        .select_related("circumstance")
        .prefetch_related("evidence", "documents")
    )
    return sorted(
        rows,
        key=lambda r: (KIND_ORDER.index(r.circumstance.kind), r.circumstance.position, r.pk),
    )


@dataclass(frozen=True)
class CaseDiscretion:
    """The 裁量 of a case as recorded: 违法行为, 情节, applicable tier, suggestion, why."""

    violation: Violation
    rows: list[CaseCircumstance]
    tier_kind: TierKind
    tier: Tier | None
    suggestion: Suggestion | None
    why: str
    outside: str | None  # 中文: why the proposed fine lies outside the tier; None when inside

    @property
    def range_text(self) -> str:
        return self.tier.penalty_text if self.tier is not None else ""


def _listed(circumstances: list[Circumstance]) -> str:
    return "；".join(f"{c.get_kind_display()}情节“{c.text}”" for c in circumstances)


def case_discretion(
    case: Case, *, fine: Decimal | None = None, violation: Violation | None = None
) -> CaseDiscretion | None:
    """The applicable tier of ``case`` from its recorded 情节 (None without a chosen 违法行为).

    ``fine`` defaults to the case's proposed fine; ``violation`` is the case's 违法行为 if the
    caller already loaded it with its tiers (``violation_with_tiers``).
    """
    if case.discretion_violation_id is None:
        return None
    if violation is None or violation.pk != case.discretion_violation_id:
        violation = violation_with_tiers(case.discretion_violation_id)
    if violation is None:
        return None
    rows = case_circumstance_rows(case)
    ticked = [row.circumstance for row in rows]
    kind = tier_kind_for((c.kind for c in ticked), both=violation.benchmark.both_tier_kind)
    tier = tier_of_kind(violation, kind)
    base = case.amount_involved_yuan
    suggestion = suggested_fine(tier, base=base) if tier is not None else None
    reasons = (
        f"本案具有{_listed(ticked)}" if ticked else "本案未登记从轻、减轻、从重或者不予处罚的情节"
    )
    if tier is None:
        why = f"{reasons}，应当适用{kind.label}，但裁量基准对该违法行为未规定相应阶次"
    else:
        why = f"{reasons}，依照裁量基准适用“{tier.name}”阶次（{tier.penalty_text}）"
        if suggestion is not None and suggestion.amount is not None:
            why += f"；建议罚款 {_yuan(suggestion.amount)} 元（{suggestion.how}）"
    proposed = case.fine_yuan if fine is None else fine
    outside = outside_tier(tier, proposed, base=base) if tier is not None else None
    return CaseDiscretion(
        violation=violation, rows=rows, tier_kind=kind, tier=tier, suggestion=suggestion,
        why=why, outside=outside,
    )  # fmt: skip
