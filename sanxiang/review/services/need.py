"""What the catalogue says: the finding, at each deciding step, whether the case needed
法制审核 (``determination_record``, called by the gate inside the case step)."""

from __future__ import annotations

from sanxiang.cases.models import Case
from sanxiang.org.models import Officer
from sanxiang.review.events import determination_recorded
from sanxiang.review.gate import CatalogueGate, case_facts, matched_rules
from sanxiang.review.models import Determination


def determination_record(*, case: Case, actor: Officer, action: str) -> Determination:
    """Record whether the case needed review at ``action``, with the rules that matched."""
    need = CatalogueGate().need(case)
    rules = matched_rules(case)
    required, reason = need.required, need.reason[:500]
    determination = Determination.objects.create(
        case=case,
        action=action,
        required=required,
        rules=[{"position": r.position, "title": r.title} for r in rules],
        reason=reason,
        actor=actor,
    )
    determination_recorded(determination, _facts_json(case))
    return determination


def _facts_json(case: Case) -> dict[str, object]:
    facts = case_facts(case)
    return {
        "procedure": facts.procedure,
        "category": facts.category_id,
        "amount": str(facts.amount_yuan) if facts.amount_yuan is not None else None,
        "penalty_kinds": sorted(facts.penalty_kinds),
        "hearing_held": facts.hearing_held,
        "flags": sorted(facts.flags),
    }
