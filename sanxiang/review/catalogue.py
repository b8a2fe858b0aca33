"""Which catalogue rules a case meets. Pure: the facts in, the matching rules out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, TypeVar


@dataclass(frozen=True)
class CaseFacts:
    """What the catalogue looks at (重庆江北方案: 执法行为的类别、所属领域、涉案金额等)."""

    procedure: str
    category_id: int
    amount_yuan: Decimal | None
    penalty_kinds: frozenset[str]
    hearing_held: bool
    flags: frozenset[str]


class Rule(Protocol):
    procedure: str
    category_id: int | None
    min_amount_yuan: Decimal | None
    penalty_kind: str
    hearing_held: bool
    case_flag: str


def rule_matches(rule: Rule, facts: CaseFacts) -> bool:
    if rule.procedure and rule.procedure != facts.procedure:
        return False
    if rule.category_id is not None and rule.category_id != facts.category_id:
        return False
    if rule.min_amount_yuan is not None and (
        facts.amount_yuan is None or facts.amount_yuan < rule.min_amount_yuan
    ):
        return False
    if rule.penalty_kind and rule.penalty_kind not in facts.penalty_kinds:
        return False
    if rule.hearing_held and not facts.hearing_held:
        return False
    return not (rule.case_flag and rule.case_flag not in facts.flags)


R = TypeVar("R", bound=Rule)


def matching(rules: Iterable[R], facts: CaseFacts) -> list[R]:
    return [rule for rule in rules if rule_matches(rule, facts)]
