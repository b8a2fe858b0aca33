"""Reads of cases, through the one access gate (``cases/access.py``, DESIGN.md rule 6)."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Prefetch, QuerySet, prefetch_related_objects

from sanxiang.cases.access import CaseAction
from sanxiang.cases.models import Case, CaseAccess, CaseDocument, Payment, PaymentSchedule
from sanxiang.errors import DomainError
from sanxiang.org.models import Article, Certificate, Officer


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


def case_page_prefetch(case: Case) -> Case:
    """Load, one query per relation, what the case page lists and what its guards and document
    checks look through again and again (parties, documents, legal basis, and once decided the
    执行 records), so the page costs the same however many rows each holds.

    Guards and ``execution`` read these through ``.all()`` and ``.exists()``, which use the
    loaded rows; on a case without them (inside a service) they query as before.
    """
    articles = Article.objects.select_related("law").order_by("law__title", "number")
    certificates = Prefetch(
        "certificates", queryset=Certificate.objects.prefetch_related("categories")
    )
    lookups: list[Any] = [
        "parties",
        # With what the guards read (``GuardContext.handlers`` takes them from here).
        Prefetch("handlers", queryset=Officer.objects.prefetch_related("roles", certificates)),
        Prefetch("documents", queryset=CaseDocument.objects.order_by("kind", "-version")),
        Prefetch("violated_articles", queryset=articles),
        Prefetch("penalty_articles", queryset=articles),
    ]
    if case.decided_on is not None:
        lookups += [
            Prefetch("payments", queryset=Payment.objects.select_related("recorded_by")),
            Prefetch("schedules", queryset=PaymentSchedule.objects.select_related("approved_by")),
            "remedies__steps",
            "execution_steps",
        ]
    prefetch_related_objects([case], *lookups)
    return case


def case_accesses_for(officer: Officer, case: Case) -> QuerySet[CaseAccess]:
    """Who opened the case page, the latest first (for those who may audit the case)."""
    case_get_for(officer, case.pk, CaseAction.AUDIT)
    return CaseAccess.objects.filter(case_id=case.pk).select_related("officer__unit")
