"""Opening a case page is a recorded look (案件调阅记录), as opening evidence is (调阅).

The look is checked against the access gate and written as a ``CaseAccess`` row (append-only,
like evidence's ``AccessRecord``; one INSERT) before the page is rendered. A case out
of scope is answered as missing (``CaseNotFound``) and leaves no row, as evidence does for a
record out of scope.

Unlike a look at evidence, it appends no ledger event: the look changes nothing, an event per
page view would make every case page a write under the log's lock, and an event on the case
would count as having acted on it (办、审分离) and show in its timeline.
"""

from __future__ import annotations

from sanxiang.cases.access import CaseAction, case_supervised_only
from sanxiang.cases.models import AccessReason, Case, CaseAccess
from sanxiang.cases.selectors import case_get_for
from sanxiang.errors import DomainError
from sanxiang.org.models import Officer


class CaseReasonRequired(DomainError):
    """A supervising body's 监督人员 must say why he opens the case (nothing was recorded)."""

    def __init__(self, case: Case) -> None:
        super().__init__("请选择调阅事由。监督人员调阅案件须登记事由。")
        self.case = case


def case_page_open(*, actor: Officer, case_id: object, reason: str = "") -> Case:
    """The case, if ``actor`` may view it, after recording that he opened its page.

    A 监督人员 who sees the case only through his supervising body gives a ``reason``
    (``AccessReason``), recorded with the look; without one nothing is recorded and
    ``CaseReasonRequired`` says so."""
    # One read and one INSERT: no transaction around them (its BEGIN and COMMIT would be two
    # more round trips on every case page); the row is written whole or not at all.
    case = case_get_for(actor, case_id, CaseAction.VIEW, for_page=True)
    if not case_supervised_only(actor, case):
        reason = ""
    elif reason not in AccessReason.values:
        raise CaseReasonRequired(case)
    CaseAccess.objects.create(case=case, officer=actor, actor=actor.ledger_actor, reason=reason)
    return case
