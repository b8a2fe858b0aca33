"""Helpers shared by the case services: the refusal, the case snapshot and its ledger record.

``proposal_sha256`` is also what approvals are signed over (``cases.signing``) and what the
review gate compares (``review.gate``).
"""

from __future__ import annotations

from decimal import Decimal

from sanxiang.cases.access import CaseAction, case_allows
from sanxiang.cases.events import case_event_named, case_recorded, case_snapshot_sha256
from sanxiang.cases.models import Case
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.core.money import MoneyRefused, money_parse
from sanxiang.errors import DomainError
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.services import sha256_hex
from sanxiang.org.models import Officer


class CaseRefused(DomainError):
    """A change to a case that the rules do not allow; nothing was changed."""


# The case snapshot each step and edit records: computed in ``cases.events``.
_snapshot_sha256 = case_snapshot_sha256


def proposal_sha256(case: Case) -> str:
    """SHA-256 of what a case proposes to decide — facts, parties, penalty, circumstances —
    without its state, so a reviewer can tell whether it changed since it was submitted."""
    parties = sorted(case.parties.values_list("kind", "name", "identifier", "address"))
    return sha256_hex(
        canonical_json(
            {
                "id": case.pk,
                "title": case.title,
                "facts": case.facts,
                "fine_yuan": str(case.fine_yuan) if case.fine_yuan is not None else None,
                "penalty_kinds": sorted(case.penalty_kinds),
                "amount_involved_yuan": (
                    str(case.amount_involved_yuan)
                    if case.amount_involved_yuan is not None
                    else None
                ),
                "review_flags": sorted(case.review_flags),
                "hearing_right": case.hearing_right,
                "complex_or_major": case.complex_or_major,
                "handlers": sorted(case.handlers.values_list("pk", flat=True)),
                "parties": [list(p) for p in parties],
                "violated_articles": sorted(case.violated_articles.values_list("pk", flat=True)),
                "penalty_articles": sorted(case.penalty_articles.values_list("pk", flat=True)),
            }
        )
    )


def _record(case: Case, actor: Officer, action: str) -> None:
    case_recorded(case, actor.ledger_actor, case_event_named(action))


def _case_for_update(case_id: int, actor: Officer) -> Case:
    in_reach = Case.objects.visible_to(actor, CaseAction.ACT)
    case = in_reach.select_for_update().filter(pk=case_id).first()
    if case is None:
        raise CaseRefused(
            "未找到该案件，或您无权办理。", log_message=f"case {case_id} not for {actor.pk}"
        )
    return case


def _may_edit(case: Case, actor: Officer) -> None:
    if not case_allows(actor, CaseAction.CHANGE, case):
        raise CaseRefused(
            "只有本案承办人或负责人可以修改本案。", log_message=f"{actor.pk} not handler"
        )
    if case.state in PROCEDURES[case.procedure].terminal or case.decided_on:
        raise CaseRefused(
            "案件已作出决定或已归档，不能再修改。", log_message=f"case {case.pk} closed"
        )


def _money(
    value: object, label: str, *, max_digits: int = 14, positive: bool = False
) -> Decimal | None:
    """``core.money.money_parse``, refusing with ``CaseRefused``."""
    try:
        return money_parse(value, label=label, max_digits=max_digits, positive=positive)
    except MoneyRefused as exc:
        raise CaseRefused(exc.message, log_message=exc.log_message) from None


def evidence_reference(case: Case) -> str:
    """The 案件编号 the case's evidence is filed under: its number, or a provisional one."""
    return case.number or f"未编号案件-{case.pk}"
