"""Reads of cases, through the one access gate (``cases/access.py``, DESIGN.md rule 6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DateTimeField,
    F,
    Field,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models import Case as CaseWhen
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat

from sanxiang.cases.access import CaseAction, case_rule
from sanxiang.cases.batch import read_together
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
from sanxiang.ledger.models import LedgerEntry
from sanxiang.org.models import Article, Officer, Role
from sanxiang.org.officer_rows import load_roles_and_certificates

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
    officer: Officer,
    case_id: object,
    action: str = CaseAction.VIEW,
    *,
    with_audit: bool = False,
    for_page: bool = False,
) -> Case:
    """The case, if ``officer`` may perform ``action`` on it; else ``CaseNotFound`` (the same
    answer for a case that does not exist).

    ``with_audit``: the case also carries ``may_audit``, whether the officer may read who
    opened its page — the gate's own ``AUDIT`` rule, asked in the same query (the case page
    shows the link). ``for_page``: that and the case page's other single facts
    (``_PAGE_FACTS_SQL``, read by ``page_facts``), in the same query. Those are raw SQL naming
    the case table itself: fetch the case only, never nest such a query in another
    (``pk__in=``, ``Exists``), where Django renames the table and they would read another row."""
    try:
        pk = int(str(case_id))
    except ValueError:
        raise CaseNotFound(case_id) from None
    cases = Case.objects.visible_to(officer, action).filter(pk=pk)
    if with_audit or for_page:
        # The gate's own AUDIT rule asked of the same row: a condition in the select list, not
        # an EXISTS over a second scan of the case (which cost the ORM ~3 ms to build).
        # CASE WHEN, not the bare condition: a rule that matches nothing (an officer off duty)
        # would otherwise read back as the integer 0 on PostgreSQL.
        audit = case_rule(officer, CaseAction.AUDIT)
        cases = cases.annotate(
            may_audit=CaseWhen(
                When(audit, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
    if for_page:
        cases = cases.annotate(**_page_annotations(officer))
    case = cases.select_related("unit", "category", "agency").first()
    if case is None:
        raise CaseNotFound(case_id)
    return case


@dataclass(frozen=True)
class PageFacts:
    """The case page's single facts, each a row or a yes/no of another table: read as
    subqueries of the query that fetches the case (``case_get_for(..., for_page=True)``)
    rather than one query each."""

    signatures_required: bool  # the agency's rules ask for signed approvals
    step_due_provisional: bool  # the step's due date is 暂定
    has_extensions: bool  # 延长办案期限 recorded (else the page does not list them)
    has_signatures: bool  # approval signatures recorded
    party_code: str  # the current 查询码, "" if none
    party_code_issued_at: datetime | None
    active_key_id: str  # the officer's active signing key, "" if none


# The page's single facts, each a scalar subquery on the fetched case ("{case}": the case
# table's name, which is the outer query's alias only while that query is not nested in
# another; see ``case_get_for``). Hand-written because the ORM took ~4 ms of CPU per page to
# build and compile the same seven subqueries (issue #13); each is parametrised only by the officer.
# ``tests/cases/test_page_facts.py`` checks they answer as the ORM's version does.
_PAGE_FACTS_SQL: dict[str, tuple[str, Field[Any, Any]]] = {
    "page_signatures_required": (
        'EXISTS (SELECT 1 FROM "cases_caserules" r WHERE r."agency_id" = {case}."agency_id"'
        ' AND r."approvals_signed")',
        BooleanField(),
    ),
    "page_step_due_provisional": (
        'EXISTS (SELECT 1 FROM "core_provisionaldeadline" p WHERE p."object_type" = %s'
        ' AND p."object_id" = {case}."id" AND p."field" = %s)',
        BooleanField(),
    ),
    "page_has_extensions": (
        'EXISTS (SELECT 1 FROM "cases_decisionextension" e WHERE e."case_id" = {case}."id")',
        BooleanField(),
    ),
    "page_has_signatures": (
        'EXISTS (SELECT 1 FROM "cases_approvalsignature" s WHERE s."case_id" = {case}."id")',
        BooleanField(),
    ),
    "page_party_code": (
        'SELECT q."code" FROM "cases_partyquerycode" q WHERE q."case_id" = {case}."id"'
        ' AND q."revoked_at" IS NULL ORDER BY q."id" LIMIT 1',
        CharField(),
    ),
    "page_party_code_issued_at": (
        'SELECT q."issued_at" FROM "cases_partyquerycode" q WHERE q."case_id" = {case}."id"'
        ' AND q."revoked_at" IS NULL ORDER BY q."id" LIMIT 1',
        DateTimeField(),
    ),
    "page_active_key_id": (
        'SELECT k."key_id" FROM "org_signingkey" k WHERE k."officer_id" = %s'
        ' AND k."revoked_at" IS NULL ORDER BY k."created_at" DESC LIMIT 1',
        CharField(),
    ),
}


def _page_annotations(officer: Officer) -> dict[str, Any]:
    params: dict[str, tuple[object, ...]] = {
        "page_step_due_provisional": (Case._meta.label_lower, "step_due_on"),
        "page_active_key_id": (officer.pk,),
    }
    case_table = connection.ops.quote_name(Case._meta.db_table)
    return {
        # Constant SQL; the only values are bound parameters.
        name: RawSQL(sql.format(case=case_table), params.get(name, ()), output_field=field)  # noqa: S611
        for name, (sql, field) in _PAGE_FACTS_SQL.items()
    }


def page_facts(case: Case, officer: Officer) -> PageFacts:
    """The case page's single facts: from the case's fetch when it was made ``for_page``, else
    (a case fetched for another purpose) asked one by one."""
    if not hasattr(case, "page_party_code"):
        case = case_get_for(officer, case.pk, for_page=True)
    return PageFacts(
        signatures_required=bool(case.page_signatures_required),  # type: ignore[attr-defined]
        step_due_provisional=bool(case.step_due_on) and bool(case.page_step_due_provisional),  # type: ignore[attr-defined]
        has_extensions=bool(case.page_has_extensions),  # type: ignore[attr-defined]
        has_signatures=bool(case.page_has_signatures),  # type: ignore[attr-defined]
        party_code=case.page_party_code or "",  # type: ignore[attr-defined]
        party_code_issued_at=case.page_party_code_issued_at,  # type: ignore[attr-defined]
        active_key_id=case.page_active_key_id or "",  # type: ignore[attr-defined]
    )


def with_actor_names(entries: QuerySet[LedgerEntry]) -> list[LedgerEntry]:
    """Ledger entries, each with ``actor_name``: the name of the officer whose log-in
    (``user:<id>``) took the step, else None — in the query that reads them."""
    actor_key = Concat(Value("user:"), Cast("user_id", output_field=CharField()))
    officers = Officer.objects.annotate(actor_key=actor_key).filter(actor_key=OuterRef("actor"))
    return list(entries.annotate(actor_name=Subquery(officers.order_by().values("name")[:1])))


def case_page_prefetch(case: Case, *, colleagues: list[Officer] | None = None) -> Case:
    """Load, one query per relation, what the case page lists and what its guards and document
    checks look through again and again (parties, documents, legal basis, and once decided the
    执行 records), so the page costs the same however many rows each holds.

    Guards and ``execution`` read these through ``.all()`` and ``.exists()``, which use the
    loaded rows; on a case without them (inside a service) they query as before.

    ``colleagues``: officers already loaded with their roles and certificates (the 指定承办人
    picker's, ``colleagues_of``); the handlers among them are taken from there, not read again.
    """
    guards_prefetch([case], colleagues=colleagues)
    # The page only draws: what several guards and sections read of the case (its 法制审核,
    # its 不予处罚 proposal …) is read once for the request.
    read_together([case])
    return case


def colleagues_of(case: Case) -> list[Officer]:
    """The officers in post of the case's agency with their unit, roles and certificates (and
    the certificates' categories), in the order the 指定承办人 picker lists them."""
    colleagues = list(
        Officer.objects.filter(unit__agency_id=case.agency_id, is_active=True)
        .select_related("unit")
        .order_by("unit__name", "name")
    )
    load_roles_and_certificates(colleagues)
    return colleagues


def _handlers_from(cases: list[Case], colleagues: list[Officer]) -> None:
    """Each case's loaded handlers replaced by the same officers among ``colleagues`` (with
    their roles and certificates); those not among them get theirs read now."""
    known = {officer.pk: officer for officer in colleagues}
    others: list[Officer] = []
    for case in cases:
        loaded = case._prefetched_objects_cache["handlers"]  # type: ignore[attr-defined]
        officers = [known.get(officer.pk, officer) for officer in loaded]
        others += [officer for officer in officers if officer.pk not in known]
        loaded._result_cache = officers
    load_roles_and_certificates(others)


def guards_prefetch(cases: list[Case], *, colleagues: list[Officer] | None = None) -> None:
    """``case_page_prefetch`` for many cases at once: one query per relation for the whole
    list, however many cases (the 工作台 asks the engine about each of its candidates)."""
    articles = Article.objects.select_related("law").order_by("law__title", "number")
    lookups: list[Any] = [
        "parties",
        # With what the guards read (``GuardContext.handlers`` takes them from here): their
        # roles and certificates below, in one query for all the cases.
        Prefetch("handlers", queryset=Officer.objects.all()),
        Prefetch("documents", queryset=CaseDocument.objects.order_by("kind", "-version")),
        Prefetch("violated_articles", queryset=articles),
        Prefetch("penalty_articles", queryset=articles),
    ]
    prefetch_related_objects(cases, *lookups)
    if colleagues is not None:
        _handlers_from(cases, colleagues)
    else:
        load_roles_and_certificates(officer for case in cases for officer in case.handlers.all())
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


def _my_step_states(officer: Officer) -> Q | None:
    """The (procedure, state) pairs from which a declared step is this officer's by role —
    read from the procedure declarations, not listed here. A step out of a composite state's
    sub-state counts from the composite state (the engine then asks the sub-process). None
    when there is none (法制审核人员, 监督人员)."""
    roles = {role for role in Role.values if officer.has_role(role)}
    pairs = {
        (code, composite_of(state))
        for code, definition in PROCEDURES.items()
        for transition in definition.transitions
        if transition.roles & roles and not transition.via
        for state in transition.source
    }
    if not pairs:
        return None
    query = Q(pk__in=[])
    for code, state in sorted(pairs):
        query |= Q(procedure=code, state=state)
    return query


def waiting_for(
    officer: Officer, today: date, calendar: WorkdayCalendar, *, enough: int | None = None
) -> list[Waiting]:
    """待我办理: cases in which a step is this officer's to take now — his role may take it,
    he handles the case where only handlers may, and every guard of the step passes — the most
    urgent first. Asked of the engine for the ``DESK_CANDIDATES`` most urgent candidates;
    ``enough``: stop asking once that many are found (the desk shows no more)."""
    states = _my_step_states(officer)
    if states is None:  # no step is his by role: no case to ask the engine about
        return []
    candidates = list(
        Case.objects.visible_to(officer, CaseAction.ACT)
        .filter(states)
        .select_related("unit")
        .order_by(F("step_due_on").asc(nulls_last=True), "-created_at")[:DESK_CANDIDATES]
    )
    # What the guards read, loaded for all candidates at once rather than case by case; the
    # agency's 音像记录事项清单 once per agency.
    guards_prefetch(candidates)
    # What other guards read per case (the 法制审核, the case rules …), read for all candidates
    # the first time one asks.
    read_together(candidates)
    matters: dict[int, list[Any]] = {}
    waiting: list[Waiting] = []
    for case in candidates:
        if enough is not None and len(waiting) >= enough:
            break
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


def _soon(today: date, calendar: WorkdayCalendar) -> date:
    """The last day of the "due within 3 working days" window.

    Provisional (counted Monday to Friday into a year whose holiday schedule is not entered
    yet, from late December): the window only filters what the desk lists, it sets no limit,
    and the strict count would answer every office page with an error until the year is
    entered. A provisional end is never later than the real one (except the 调休上班 case in
    ``core.workdays``), so at worst a case shows up in the list a day early or late."""
    return calendar.add_workdays_provisional(today, 3).on


def due_for(
    officer: Officer, today: date, calendar: WorkdayCalendar
) -> tuple[QuerySet[Case], QuerySet[Case]]:
    """期限: the cases this officer handles (the agency's, for a 负责人) whose current step is
    overdue, and those due within 3 working days."""
    soon = _soon(today, calendar)
    open_cases = _open_with_due_dates(officer)
    return (
        open_cases.filter(step_due_on__lt=today),
        open_cases.filter(step_due_on__gte=today, step_due_on__lte=soon),
    )


def _open_with_due_dates(officer: Officer) -> QuerySet[Case]:
    if officer.has_role(Role.HEAD):
        mine = cases_for(officer)
    else:
        # His own cases: the gate's "cases he handles", not its whole rule row by row.
        mine = (
            Case.objects.handled_by(officer)
            .select_related("unit")
            .order_by(F("step_due_on").asc(nulls_last=True), "-created_at")
        )
    return mine.exclude(state__in=sorted(FINISHED)).filter(step_due_on__isnull=False)


def due_counts(officer: Officer, today: date, calendar: WorkdayCalendar) -> tuple[int, int]:
    """How many cases each of ``due_for``'s lists holds: both counted in one query."""
    soon = _soon(today, calendar)
    counts = (
        _open_with_due_dates(officer)
        .filter(step_due_on__lte=soon)
        .aggregate(
            overdue=Count("pk", filter=Q(step_due_on__lt=today)),
            due_soon=Count("pk", filter=Q(step_due_on__gte=today)),
        )
    )
    return counts["overdue"], counts["due_soon"]
