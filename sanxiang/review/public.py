"""What the public may read of 法制审核: each agency's catalogue (事前公开)."""

from __future__ import annotations

from dataclasses import dataclass

from sanxiang.cases.models import PenaltyKind, Procedure, ReviewFlag
from sanxiang.review.models import CatalogueRule


@dataclass(frozen=True)
class PublicRule:
    position: int
    title: str
    conditions: str
    basis: str


@dataclass(frozen=True)
class PublicCatalogue:
    agency: str
    rules: list[PublicRule]


def _conditions(rule: CatalogueRule) -> str:
    parts = []
    if rule.procedure:
        parts.append(Procedure(rule.procedure).label)
    if rule.category_id:
        parts.append(f"执法类别：{rule.category}")
    if rule.min_amount_yuan is not None:
        parts.append(f"涉案金额或罚款金额 {rule.min_amount_yuan} 元以上")
    if rule.penalty_kind:
        parts.append(f"拟{PenaltyKind(rule.penalty_kind).label}")
    if rule.case_flag:
        parts.append(ReviewFlag(rule.case_flag).label)
    if rule.hearing_held:
        parts.append("经过听证程序")
    return "，且".join(parts) or "全部"


def catalogues_public() -> list[PublicCatalogue]:
    """Every agency's active catalogue items, in order."""
    rules = CatalogueRule.objects.filter(is_active=True).select_related("agency", "category")
    catalogues: dict[str, list[PublicRule]] = {}
    for rule in rules.order_by("agency__name", "position"):
        catalogues.setdefault(rule.agency.name, []).append(
            PublicRule(rule.position, rule.title, _conditions(rule), rule.basis)
        )
    return [PublicCatalogue(agency, items) for agency, items in catalogues.items()]
