"""Which cases an officer may see: his own (as handler), his unit's, and — for a 负责人 — his
agency's. Decided here only (DESIGN.md rule 6)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects

from sanxiang.cases.models import Case, CaseDocument, Payment, PaymentSchedule
from sanxiang.cases.workflow.gate import review_gate
from sanxiang.errors import DomainError
from sanxiang.org.models import Article, Officer, Role


class CaseNotFound(DomainError):
    def __init__(self, case_id: object) -> None:
        super().__init__("未找到该案件，或您无权查看。", log_message=f"case {case_id} not in scope")


def _scope(officer: Officer) -> Q:
    if not officer.is_active:
        return Q(pk__in=[])
    if officer.has_role(Role.HEAD):
        return Q(agency_id=officer.unit.agency_id)
    # EXISTS rather than a join, so the list needs no DISTINCT and stays an index walk.
    handled = Case.handlers.through.objects.filter(case_id=OuterRef("pk"), officer_id=officer.pk)
    # A 法制审核人员 reads the cases sent to him for review (DESIGN.md rule 6).
    return Q(unit_id=officer.unit_id) | Q(Exists(handled)) | review_gate().scope(officer)


def cases_for(officer: Officer) -> QuerySet[Case]:
    """我的案件: cases in scope, the most urgent first (cases with no due date last)."""
    return (
        Case.objects.filter(_scope(officer))
        .select_related("unit")
        .order_by(F("step_due_on").asc(nulls_last=True), "-created_at")
    )


def case_get_for(officer: Officer, case_id: object) -> Case:
    try:
        pk = int(str(case_id))
    except ValueError:
        raise CaseNotFound(case_id) from None
    case = cases_for(officer).filter(pk=pk).select_related("category", "agency").first()
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
    lookups: list[Any] = [
        "parties",
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
