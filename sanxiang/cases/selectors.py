"""Reads of cases, through the one access gate (``cases/access.py``, DESIGN.md rule 6)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DateTimeField,
    Exists,
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

from sanxiang.cases.access import CaseAction, case_rule, handled_rule
from sanxiang.cases.batch import Lookups, Relations, read_together, relations_on_demand
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
from sanxiang.cases.page_notes import page_facts_installed
from sanxiang.cases.recording import matters_for
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.cases.workflow.engine import GuardContext, Transition, composite_of
from sanxiang.core.prefetched import fill_prefetched
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
    # One row by its key: no ORDER BY (``first()`` kept Case's Meta ordering, and given one
    # Django's compiler hashes every selected expression, the page's facts among them).
    case = next(iter(cases.select_related("unit", "category", "agency").order_by()[:1]), None)
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
    # Whether the case has any 违法依据 or 处罚依据 (none until the basis is recorded).
    "page_has_articles": (
        'EXISTS (SELECT 1 FROM "cases_case_violated_articles" v WHERE v."case_id" = {case}."id")'
        ' OR EXISTS (SELECT 1 FROM "cases_case_penalty_articles" p'
        ' WHERE p."case_id" = {case}."id")',
        BooleanField(),
    ),
    # Whether the case has any rows of the relations the page lists once decided (most have
    # none): ``guards_prefetch`` reads only those it has. And any party signature, which
    # ``_document_rows`` then reads.
    "page_has_payments": (
        'EXISTS (SELECT 1 FROM "cases_payment" x WHERE x."case_id" = {case}."id")',
        BooleanField(),
    ),
    "page_has_schedules": (
        'EXISTS (SELECT 1 FROM "cases_paymentschedule" x WHERE x."case_id" = {case}."id")',
        BooleanField(),
    ),
    "page_has_remedies": (
        'EXISTS (SELECT 1 FROM "cases_remedy" x WHERE x."case_id" = {case}."id")',
        BooleanField(),
    ),
    "page_has_execution_steps": (
        'EXISTS (SELECT 1 FROM "cases_executionstep" x WHERE x."case_id" = {case}."id")',
        BooleanField(),
    ),
    "page_has_party_signatures": (
        'EXISTS (SELECT 1 FROM "cases_partysignature" x WHERE x."case_id" = {case}."id")',
        BooleanField(),
    ),
}


def _page_annotations(officer: Officer) -> dict[str, Any]:
    params: dict[str, tuple[object, ...]] = {
        "page_step_due_provisional": (Case._meta.label_lower, "step_due_on"),
        "page_active_key_id": (officer.pk,),
    }
    case_table = connection.ops.quote_name(Case._meta.db_table)
    facts = {
        # Constant SQL; the only values are bound parameters.
        name: RawSQL(sql.format(case=case_table), params.get(name, ()), output_field=field)  # noqa: S611
        for name, (sql, field) in _PAGE_FACTS_SQL.items()
    }
    for name, (sql, fact_params) in page_facts_installed().items():
        # Installed by apps above cases (``page_notes.page_fact_install``): constant SQL too.
        fact = sql.format(case=case_table)
        facts[name] = RawSQL(fact, fact_params, output_field=BooleanField())  # noqa: S611
    return facts


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
    their roles and certificates); those not among them get theirs read now, each officer
    once however many of ``cases`` he handles (one instance shared by those cases)."""
    known = {officer.pk: officer for officer in colleagues}
    others: dict[int, Officer] = {}
    for case in cases:
        loaded = case._prefetched_objects_cache["handlers"]  # type: ignore[attr-defined]
        loaded._result_cache = [
            known.get(officer.pk) or others.setdefault(officer.pk, officer) for officer in loaded
        ]
    load_roles_and_certificates(others.values())


def guards_prefetch(cases: list[Case], *, colleagues: list[Officer] | None = None) -> None:
    """``case_page_prefetch`` for many cases at once: one query per relation for the whole
    list, however many cases (the 工作台 asks the engine about each of its candidates, through
    ``relations_on_demand``, reading each relation when a guard first does).

    A case fetched for its page carries whether it has any 执行 records of each kind and any
    legal basis (``page_has_*``, ``_PAGE_FACTS_SQL``): a relation it has none of is loaded empty
    without a query. For one case, both article lists are read in one query."""
    relations = guard_relations()
    single = len(cases) == 1
    every = [name for name in EVERY_CASE if not (single and name in ARTICLE_LISTS)]
    prefetch_related_objects(cases, *(lookup for name in every for lookup in relations[name]))
    if single:
        _articles_of(cases[0])
    # The handlers' roles and certificates: from ``colleagues`` where given, the others' in
    # one query for all the cases, each officer once.
    _handlers_from(cases, colleagues or [])
    decided = [case for case in cases if case.decided_on is not None]
    for relation in ONCE_DECIDED:
        # A case fetched for its page knows whether it has any (``page_has_<relation>``): one
        # without any gets none loaded without a query (most decided cases have no payment,
        # schedule, remedy or execution step); any other case gets them read.
        fact = f"page_has_{relation}"
        reading = [case for case in decided if getattr(case, fact, True)]
        if reading:
            prefetch_related_objects(reading, *relations[relation])
        for case in decided:
            if not getattr(case, fact, True):
                _prefetched_none(case, relation, relations[relation][0].queryset)


# The relations ``guard_relations`` names: those every case's guards may read, and those only
# a decided case has rows in.
EVERY_CASE = ("parties", "handlers", "documents", "violated_articles", "penalty_articles")
ARTICLE_LISTS = ("violated_articles", "penalty_articles")
ONCE_DECIDED = ("payments", "schedules", "remedies", "execution_steps")


def _articles_in_order() -> QuerySet[Article]:
    return Article.objects.select_related("law").order_by("law__title", "number")


def guard_relations() -> Lookups:
    """What the guards (and the case page) read of a case, by relation: the lookups that read
    each for many cases in one query per relation. The handlers come without what the guards
    read of them (``GuardContext.handlers`` takes them from here): the caller adds their roles
    and certificates with ``_handlers_from``, each officer once."""
    articles = _articles_in_order()
    handlers = Officer.objects.all()
    # The 执行 records each in its model's order within one case, without the join to the case
    # (or to the officer, for certificates) that ordering "by case" would add to every query.
    return {
        "parties": ("parties",),
        "handlers": (Prefetch("handlers", queryset=handlers),),
        "documents": (
            Prefetch("documents", queryset=CaseDocument.objects.order_by("kind", "-version")),
        ),
        "violated_articles": (Prefetch("violated_articles", queryset=articles),),
        "penalty_articles": (Prefetch("penalty_articles", queryset=articles),),
        "payments": (
            Prefetch(
                "payments",
                queryset=Payment.objects.select_related("recorded_by").order_by("paid_on", "pk"),
            ),
        ),
        "schedules": (
            Prefetch(
                "schedules",
                queryset=PaymentSchedule.objects.select_related("approved_by").order_by("pk"),
            ),
        ),
        "remedies": (
            Prefetch("remedies", queryset=Remedy.objects.order_by("filed_on", "pk")),
            Prefetch("remedies__steps", queryset=RemedyStep.objects.order_by("decided_on", "pk")),
        ),
        "execution_steps": (
            Prefetch(
                "execution_steps", queryset=ExecutionStep.objects.order_by("occurred_on", "pk")
            ),
        ),
    }


def _articles_of(case: Case) -> None:
    """The case's 违法依据 and 处罚依据 loaded as prefetching them would, in one query for both
    (or none, for a case whose fetch for the page says it has neither): the articles of either
    list, each saying which lists it is in (an article may be in both)."""
    if not getattr(case, "page_has_articles", True):
        _prefetched_none(case, "violated_articles", _articles_in_order())
        _prefetched_none(case, "penalty_articles", _articles_in_order())
        return
    # Hand-written, as the page facts are (their ORM subqueries cost CPU to build): constant
    # SQL, the case's id bound. tests/cases/test_case_page_folds.py compares what it loads with
    # the two prefetches. "org_article" is the outer query's own table: never nest this query
    # in another.
    pk = (case.pk,)
    rows = list(
        _articles_in_order()
        .filter(
            pk__in=RawSQL(
                'SELECT "article_id" FROM "cases_case_violated_articles" WHERE "case_id" = %s'
                ' UNION SELECT "article_id" FROM "cases_case_penalty_articles"'
                ' WHERE "case_id" = %s',
                pk * 2,
            )
        )
        .annotate(
            in_violated=RawSQL(
                'EXISTS (SELECT 1 FROM "cases_case_violated_articles" x WHERE x."case_id" = %s'
                ' AND x."article_id" = "org_article"."id")',
                pk,
                output_field=BooleanField(),
            ),
            in_penalty=RawSQL(
                'EXISTS (SELECT 1 FROM "cases_case_penalty_articles" x WHERE x."case_id" = %s'
                ' AND x."article_id" = "org_article"."id")',
                pk,
                output_field=BooleanField(),
            ),
        )
    )
    for relation, flag in (
        ("violated_articles", "in_violated"),
        ("penalty_articles", "in_penalty"),
    ):
        found = [row for row in rows if getattr(row, flag)]
        fill_prefetched(case, relation, found, _articles_in_order())


def _prefetched_none(case: Case, relation: str, queryset: QuerySet[Any]) -> None:
    """``case.<relation>`` loaded as prefetching it with ``queryset`` finds no rows."""
    fill_prefetched(case, relation, [], queryset)


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
    """The cases in which a declared step may be this officer's: in a (procedure, state) from
    which a step is his by role — read from the procedure declarations, not listed here —
    and, where each such step is for the case's 承办人 only, a case he handles. A step out of
    a composite state's sub-state counts from the composite state (the engine then asks the
    sub-process). None when there is none (法制审核人员, 监督人员).

    Without the second part a 承办人's candidates were mostly his colleagues' cases, which the
    engine then refused one by one ("只有本案承办人可以……"), and the ones waiting for him fell
    out of the ``DESK_CANDIDATES`` most urgent."""
    roles = {role for role in Role.values if officer.has_role(role)}
    # (procedure, state) → whether some step of his from it is open to non-handlers too.
    pairs: dict[tuple[str, str], bool] = {}
    for code, definition in PROCEDURES.items():
        for transition in definition.transitions:
            if not transition.roles & roles or transition.via:
                continue
            for state in transition.source:
                key = (code, composite_of(state))
                pairs[key] = pairs.get(key, False) or not transition.handlers_only
    if not pairs:
        return None
    anyone = _in_states(pair for pair, open_to_others in pairs.items() if open_to_others)
    handlers = [pair for pair, open_to_others in pairs.items() if not open_to_others]
    return anyone | (_in_states(handlers) & handled_rule(officer)) if handlers else anyone


def _in_states(pairs: Iterable[tuple[str, str]]) -> Q:
    """Cases in any of the (procedure, state) ``pairs``: one condition per procedure (its states
    listed), not one per pair — the same rows, and fewer conditions for Django to build on
    every desk."""
    states: dict[str, list[str]] = {}
    for code, state in sorted(pairs):
        states.setdefault(code, []).append(state)
    query = Q(pk__in=[])
    for code, listed in states.items():
        query |= Q(procedure=code, state__in=listed)
    return query


def _handlers_once(handlers: tuple[Any, ...], cases: list[Case]) -> None:
    """The handlers of ``cases`` (``handlers``: their lookups, without roles) with their roles
    and certificates, each officer's read once: a 承办人's candidates are mostly his own
    cases, and each handler's roles, certificates and their categories were read again for
    every case he handles."""
    prefetch_related_objects(cases, *handlers)
    _handlers_from(cases, [])


class _RecordsHeld:
    """Which of the candidates hold any rows of each 执行 record (``ONCE_DECIDED``): asked for
    all four relations in one query, the first time a guard reads one of them. Most decided
    cases hold none (paid at once, no 复议 or 诉讼); their relations are then known empty and
    read by no query."""

    def __init__(self, lookups: Lookups) -> None:
        self.lookups = lookups
        self.found: dict[str, set[int]] | None = None

    def of(self, cases: list[Case], name: str) -> set[int]:
        if self.found is None:
            models = {each: self.lookups[each][0].queryset.model for each in ONCE_DECIDED}
            held = Case.objects.filter(pk__in=[case.pk for case in cases]).annotate(
                **{
                    f"holds_{each}": Exists(model.objects.filter(case_id=OuterRef("pk")))
                    for each, model in models.items()
                }
            )
            rows = list(held.values("pk", *(f"holds_{each}" for each in ONCE_DECIDED)))
            self.found = {
                each: {row["pk"] for row in rows if row[f"holds_{each}"]} for each in ONCE_DECIDED
            }
        return self.found[name]

    def load(self, name: str, cases: list[Case]) -> None:
        holding = self.of(cases, name)
        lookups = self.lookups[name]
        if with_rows := [case for case in cases if case.pk in holding]:
            prefetch_related_objects(with_rows, *lookups)
        for case in cases:
            if case.pk not in holding:
                # Known empty: loaded so without a query (a later ``.filter()`` asks the
                # database, as after a prefetch).
                _prefetched_none(case, name, lookups[0].queryset)


def candidate_relations() -> Relations:
    """How the 工作台 reads what the guards read of its candidates (``guard_relations``), the
    handlers each officer once, the 执行 records only of the cases that hold any."""
    lookups = guard_relations()
    records = _RecordsHeld(lookups)
    return {
        **lookups,
        "handlers": partial(_handlers_once, lookups["handlers"]),
        **{name: partial(records.load, name) for name in ONCE_DECIDED},
    }


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
    # What the guards read, each relation for all candidates at once when a guard first reads
    # it rather than case by case (and not at all when none does); the agency's 音像记录事项清单
    # once per agency.
    relations_on_demand(candidates, candidate_relations())
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
