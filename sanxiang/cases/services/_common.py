"""Helpers shared by the case services: the refusal, the case snapshot and its ledger record.

``proposal_sha256`` is also what approvals are signed over (``cases.signing``) and what the
review gate compares (``review.gate``).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from sanxiang.cases.access import CaseAction, case_allows
from sanxiang.cases.events import case_event_named, case_recorded, case_snapshot_sha256
from sanxiang.cases.events import proposal_sha256 as proposal_sha256  # re-exported
from sanxiang.cases.models import Case, StepTaken
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.core.money import MoneyRefused, money_parse
from sanxiang.errors import DomainError
from sanxiang.org.models import Officer


class CaseRefused(DomainError):
    """A change to a case that the rules do not allow; nothing was changed."""


# The case snapshot each step and edit records: computed in ``cases.events``.
_snapshot_sha256 = case_snapshot_sha256


def _record(case: Case, actor: Officer, action: str, *, from_state: str | None = None) -> None:
    """The step or edit's ledger event, and its row of the case's history (``StepTaken``)."""
    entry = case_recorded(case, actor.ledger_actor, case_event_named(action))
    StepTaken.objects.create(
        case=case, action=action, from_state=case.state if from_state is None else from_state,
        to_state=case.state, officer=actor, actor=entry.actor, taken_at=entry.recorded_at,
        taken_on=timezone.localdate(entry.recorded_at),
    )  # fmt: skip


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
