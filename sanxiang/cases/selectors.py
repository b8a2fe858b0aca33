"""Which cases an officer may see: his own (as handler), his unit's, and — for a 负责人 — his
agency's. Decided here only (DESIGN.md rule 6)."""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from sanxiang.cases.models import Case
from sanxiang.cases.workflow.gate import review_gate
from sanxiang.errors import DomainError
from sanxiang.org.models import Officer, Role


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
