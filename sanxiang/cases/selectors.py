"""Reads of cases, through the one access gate (``cases/access.py``, DESIGN.md rule 6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)

from sanxiang.cases.access import CaseAction
from sanxiang.cases.models import (
    Case,
    CaseAccess,
    CaseDocument,
    ExecutionStep,
    Payment,
    PaymentSchedule,
    Remedy,
    RemedyStep,
)
from sanxiang.cases.recording import matters_for
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.cases.workflow.engine import GuardContext, Transition, composite_of
from sanxiang.core.workdays import WorkdayCalendar
from sanxiang.errors import DomainError
from sanxiang.org.models import Article, Certificate, Officer, Role

# States from which no step leads on (归档, and the ends of procedures without one).
FINISHED = frozenset().union(*(d.terminal for d in PROCEDURES.values()))


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


def case_get_for(
    officer: Officer, case_id: object, action: str = CaseAction.VIEW, *, with_audit: bool = False
) -> Case:
    """The case, if ``officer`` may perform ``action`` on it; else ``CaseNotFound`` (the same
    answer for a case that does not exist).

    ``with_audit``: the case also carries ``may_audit``, whether the officer may read who
    opened its page — the gate's own ``AUDIT`` rule, asked in the same query (the case page
    shows the link)."""
    try:
        pk = int(str(case_id))
    except ValueError:
        raise CaseNotFound(case_id) from None
    cases = Case.objects.visible_to(officer, action).filter(pk=pk)
    if with_audit:
        audit = Case.objects.visible_to(officer, CaseAction.AUDIT).filter(pk=OuterRef("pk"))
        cases = cases.annotate(may_audit=Exists(audit))
    case = cases.select_related("unit", "category", "agency").first()
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
    guards_prefetch([case])
    return case


def guards_prefetch(cases: list[Case]) -> None:
    """``case_page_prefetch`` for many cases at once: one query per relation for the whole
    list, however many cases (the 工作台 asks the engine about each of its candidates)."""
    articles = Article.objects.select_related("law").order_by("law__title", "number")
    certificates = Prefetch("certificates", queryset=certificates_in_order())
    lookups: list[Any] = [
        "parties",
        # With what the guards read (``GuardContext.handlers`` takes them from here).
        Prefetch("handlers", queryset=Officer.objects.prefetch_related("roles", certificates)),
        Prefetch("documents", queryset=CaseDocument.objects.order_by("kind", "-version")),
        Prefetch("violated_articles", queryset=articles),
        Prefetch("penalty_articles", queryset=articles),
    ]
    prefetch_related_objects(cases, *lookups)
    decided = [case for case in cases if case.decided_on is not None]
    if decided:
        # Each in its model's order within one case, without the join to the case (or to the
        # officer, for certificates) that ordering "by case" would add to every query.
        prefetch_related_objects(
            decided,
            Prefetch(
                "payments",
                queryset=Payment.objects.select_related("recorded_by").order_by("paid_on", "pk"),
            ),
            Prefetch(
                "schedules",
                queryset=PaymentSchedule.objects.select_related("approved_by").order_by("pk"),
            ),
            Prefetch("remedies", queryset=Remedy.objects.order_by("filed_on", "pk")),
            Prefetch("remedies__steps", queryset=RemedyStep.objects.order_by("decided_on", "pk")),
            Prefetch(
                "execution_steps", queryset=ExecutionStep.objects.order_by("occurred_on", "pk")
            ),
        )


def certificates_in_order() -> QuerySet[Certificate]:
    """An officer's certificates with their categories, the latest valid first — the order of
    ``Certificate.Meta.ordering`` within one officer, without its join to the officer (and
    from there to his unit and agency) in every prefetch."""
    return Certificate.objects.prefetch_related("categories").order_by("-valid_until")


def case_accesses_for(officer: Officer, case: Case) -> QuerySet[CaseAccess]:
    """Who opened the case page, the latest first (for those who may audit the case)."""
    case_get_for(officer, case.pk, CaseAction.AUDIT)
    return CaseAccess.objects.filter(case_id=case.pk).select_related("officer__unit")


# --- 工作台 ------------------------------------------------------------------------------------

# How many of the most urgent candidate cases the desk asks the engine about (each costs the
# step's guards); the rest are in 我的案件.
DESK_CANDIDATES = 40


@dataclass(frozen=True)
class Waiting:
    """A case with the steps the law allows this officer to take on it now."""

    case: Case
    steps: list[Transition]


def _my_step_states(officer: Officer) -> Q:
    """The (procedure, state) pairs from which a declared step is this officer's by role —
    read from the procedure declarations, not listed here. A step out of a composite state's
    sub-state counts from the composite state (the engine then asks the sub-process)."""
    roles = {role for role in Role.values if officer.has_role(role)}
    pairs = {
        (code, composite_of(state))
        for code, definition in PROCEDURES.items()
        for transition in definition.transitions
        if transition.roles & roles and not transition.via
        for state in transition.source
    }
    query = Q(pk__in=[])
    for code, state in sorted(pairs):
        query |= Q(procedure=code, state=state)
    return query


def waiting_for(officer: Officer, today: date, calendar: WorkdayCalendar) -> list[Waiting]:
    """待我办理: cases in which a step is this officer's to take now — his role may take it,
    he handles the case where only handlers may, and every guard of the step passes — the most
    urgent first. Asked of the engine for the ``DESK_CANDIDATES`` most urgent candidates."""
    candidates = list(
        Case.objects.visible_to(officer, CaseAction.ACT)
        .filter(_my_step_states(officer))
        .select_related("unit")
        .order_by(F("step_due_on").asc(nulls_last=True), "-created_at")[:DESK_CANDIDATES]
    )
    # What the guards read, loaded for all candidates at once rather than case by case; the
    # agency's 音像记录事项清单 once per agency.
    guards_prefetch(candidates)
    matters: dict[int, list[Any]] = {}
    waiting = []
    for case in candidates:
        definition = PROCEDURES[case.procedure]
        if case.agency_id not in matters:
            matters[case.agency_id] = matters_for(case.agency_id)
        context = GuardContext(
            case=case,
            actor=officer,
            today=today,
            calendar=calendar,
            recording_matters=matters[case.agency_id],
        )
        steps = [t for t, refusal in definition.options(context) if refusal is None and not t.via]
        if steps:
            waiting.append(Waiting(case, steps))
    return waiting


def due_for(
    officer: Officer, today: date, calendar: WorkdayCalendar
) -> tuple[QuerySet[Case], QuerySet[Case]]:
    """期限: the cases this officer handles (the agency's, for a 负责人) whose current step is
    overdue, and those due within 3 working days."""
    soon = calendar.add_workdays(today, 3)
    mine = cases_for(officer)
    if not officer.has_role(Role.HEAD):
        mine = mine.filter(handlers=officer)
    open_cases = mine.exclude(state__in=sorted(FINISHED)).filter(step_due_on__isnull=False)
    return (
        open_cases.filter(step_due_on__lt=today),
        open_cases.filter(step_due_on__gte=today, step_due_on__lte=soon),
    )
