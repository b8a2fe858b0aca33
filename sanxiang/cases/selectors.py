"""Reads of cases, through the one access gate (``cases/access.py``, DESIGN.md rule 6)."""

from __future__ import annotations

from django.db.models import F, QuerySet

from sanxiang.cases.access import CaseAction
from sanxiang.cases.models import Case, CaseAccess
from sanxiang.errors import DomainError
from sanxiang.org.models import Officer


class CaseNotFound(DomainError):
    def __init__(self, case_id: object) -> None:
        super().__init__("未找到该案件，或您无权查看。", log_message=f"case {case_id} not in scope")


def cases_for(officer: Officer) -> QuerySet[Case]:
    """我的案件: cases in scope, the most urgent first (cases with no due date last)."""
    return (
        Case.objects.visible_to(officer, CaseAction.VIEW)
        .select_related("unit")
        .order_by(F("step_due_on").asc(nulls_last=True), "-created_at")
    )


def case_get_for(officer: Officer, case_id: object, action: str = CaseAction.VIEW) -> Case:
    """The case, if ``officer`` may perform ``action`` on it; else ``CaseNotFound`` (the same
    answer for a case that does not exist)."""
    try:
        pk = int(str(case_id))
    except ValueError:
        raise CaseNotFound(case_id) from None
    case = (
        Case.objects.visible_to(officer, action)
        .filter(pk=pk)
        .select_related("unit", "category", "agency")
        .first()
    )
    if case is None:
        raise CaseNotFound(case_id)
    return case


def case_accesses_for(officer: Officer, case: Case) -> QuerySet[CaseAccess]:
    """Who opened the case page, the latest first (for those who may audit the case)."""
    case_get_for(officer, case.pk, CaseAction.AUDIT)
    return CaseAccess.objects.filter(case_id=case.pk).select_related("officer__unit")
