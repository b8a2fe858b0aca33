"""Opening a case page is a recorded look (案件调阅记录), as opening evidence is (调阅).

The look is checked against the access gate, written as a ``CaseAccess`` row and appended to
the ledger as ``cases.case_page.opened`` in one transaction, before the page is rendered. The
event's object type is ``cases.case_page`` (the object id is the case's), not ``cases.case``:
a look changes nothing about the case, so it stays out of the case's timeline and state
digests, and out of what counts as having acted on the case (办、审分离).

A case out of scope is answered as missing (``CaseNotFound``) and leaves no row, as evidence
does for a record out of scope.
"""

from __future__ import annotations

from django.db import transaction

from sanxiang.cases.access import CaseAction
from sanxiang.cases.models import Case, CaseAccess
from sanxiang.cases.selectors import case_get_for
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Officer

PAGE_OPENED = "cases.case_page.opened"


def case_page_open(*, actor: Officer, case_id: object) -> Case:
    """The case, if ``actor`` may view it, after recording that he opened its page."""
    with transaction.atomic():
        case = case_get_for(actor, case_id, CaseAction.VIEW)
        entry = ledger_append(
            actor=actor.ledger_actor,
            action=PAGE_OPENED,
            object_type="cases.case_page",
            object_id=case.pk,
            agency_id=case.agency_id,
        )
        CaseAccess.objects.create(
            case=case, officer=actor, actor=actor.ledger_actor, ledger_sequence=entry.sequence
        )
    return case
