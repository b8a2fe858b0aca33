"""Reads of the supervision app: the 监督驾驶舱's figures and the 干预记录 a person may read.

Every figure is a filter on ``Case`` (``METRICS``): the dashboard counts them all per agency
(or per unit) in one grouped query with conditional counts, and the drill-down lists the cases
the same filter selects, so a number and its list cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncDate

from sanxiang.cases.deviation import Deviation, deviation_figures
from sanxiang.cases.models import Case, Remedy, RemedyOutcome, RemedyStep, RemedyStepKind
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.core.workdays import WorkdayCalendar
from sanxiang.disclosure.models import Publication, PublicationStatus
from sanxiang.org.models import Agency, Officer, Role, Unit
from sanxiang.org.selectors import supervised_agency_ids, supervisory_body_of
from sanxiang.review.models import Determination, Review, ReviewStatus
from sanxiang.supervision.models import Interference
from sanxiang.supervision.opinions.models import AWAITING_ANSWER, OPEN, Opinion

FINISHED = sorted(frozenset().union(*(d.terminal for d in PROCEDURES.values())))
SOON_WORKDAYS = 3


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    group: str
    rule: Callable[[date, date], Q]


def _publication(**conditions: object) -> Q:
    return Q(Exists(Publication.objects.filter(case_id=OuterRef("pk"), **conditions)))


def _published(on_time: bool) -> Q:
    published = Publication.objects.filter(
        case_id=OuterRef("pk"), published_at__isnull=False
    ).annotate(published_on=TruncDate("published_at"))
    if on_time:
        return Q(Exists(published.filter(published_on__lte=F("due_on"))))
    return Q(Exists(published.filter(published_on__gt=F("due_on"))))


def _review_needed() -> Q:
    return Q(Exists(Determination.objects.filter(case_id=OuterRef("pk"), required=True)))


def _reviewed() -> Q:
    return Q(Exists(Review.objects.filter(case_id=OuterRef("pk"))))


def _remedy_outcome(outcome: str) -> Q:
    steps = RemedyStep.objects.filter(
        remedy__case_id=OuterRef("pk"), kind=RemedyStepKind.OUTCOME, outcome=outcome
    )
    return Q(Exists(steps))


def _remedy_pending() -> Q:
    ended = RemedyStep.objects.filter(remedy_id=OuterRef("pk"), kind=RemedyStepKind.OUTCOME)
    pending = Remedy.objects.filter(case_id=OuterRef("pk")).filter(~Exists(ended))
    return Q(Exists(pending))


def _opinions(**conditions: object) -> Q:
    return Q(Exists(Opinion.objects.filter(case_id=OuterRef("pk"), **conditions)))


def _open() -> Q:
    return ~Q(state__in=FINISHED)


METRICS: tuple[Metric, ...] = (
    Metric("total", "案件总数", "案件", lambda today, soon: Q()),
    Metric("open", "在办", "案件", lambda today, soon: _open()),
    Metric("overdue", "已超期", "期限", lambda t, s: _open() & Q(step_due_on__lt=t)),
    Metric(
        "due_soon",
        f"{SOON_WORKDAYS}个工作日内到期",
        "期限",
        lambda t, s: _open() & Q(step_due_on__gte=t, step_due_on__lte=s),
    ),
    Metric("review_needed", "须法制审核", "法制审核", lambda t, s: _review_needed()),
    Metric("review_done", "已送审", "法制审核", lambda t, s: _review_needed() & _reviewed()),
    Metric(
        "review_missing",
        "须审核而未送审",
        "法制审核",
        lambda t, s: _review_needed() & ~_reviewed(),
    ),
    Metric("pub_on_time", "按时公示", "执法公示", lambda t, s: _published(on_time=True)),
    Metric("pub_late", "逾期公示", "执法公示", lambda t, s: _published(on_time=False)),
    Metric(
        "pub_overdue",
        "超期未公示",
        "执法公示",
        lambda t, s: _publication(status=PublicationStatus.PENDING, due_on__lt=t),
    ),
    Metric(
        "withdrawn",
        "已撤下",
        "撤下",
        lambda t, s: _publication(withdrawal_due_on__isnull=False, withdrawn_at__isnull=False),
    ),
    Metric(
        "withdrawal_overdue",
        "应撤未撤（超期）",
        "撤下",
        lambda t, s: _publication(withdrawal_due_on__lt=t, withdrawn_at__isnull=True),
    ),
    Metric(
        "opinion_open",
        "有未办结监督意见的案件",
        "执法监督意见",
        lambda t, s: _opinions(status__in=OPEN),
    ),
    Metric(
        "opinion_overdue",
        "监督意见逾期未答复的案件",
        "执法监督意见",
        lambda t, s: _opinions(status__in=AWAITING_ANSWER, answer_due_on__lt=t),
    ),
    Metric("remedy_pending", "复议、诉讼未结", "复议、诉讼", lambda t, s: _remedy_pending()),
    *(
        Metric(
            f"remedy_{outcome.value}",
            outcome.label,
            "复议、诉讼",
            (lambda o: lambda t, s: _remedy_outcome(o))(outcome.value),
        )
        for outcome in RemedyOutcome
    ),
)
BY_KEY = {metric.key: metric for metric in METRICS}


# --- Scope ----------------------------------------------------------------------------------------


def dashboard_scope(officer: Officer) -> frozenset[int]:
    """The agencies whose figures ``officer`` reads: a supervising body's 监督人员 those of his
    body's area; nobody else any (the agency's own figures are the 工作台's)."""
    return supervised_agency_ids(officer)


def may_read_dashboard(officer: Officer) -> bool:
    return supervisory_body_of(officer) is not None


# --- Figures --------------------------------------------------------------------------------------


@dataclass
class Row:
    """One agency's (or unit's) figures."""

    key: int
    name: str
    counts: dict[str, int]
    turnaround_days: float | None = None

    @property
    def coverage(self) -> float | None:
        needed = self.counts.get("review_needed", 0)
        return None if needed == 0 else self.counts.get("review_done", 0) / needed


@dataclass
class Dashboard:
    today: date
    soon: date
    rows: list[Row]
    total: Row
    by_procedure: list[tuple[str, str, str, str, int]] = field(default_factory=list)
    agency: Agency | None = None


def _window(today: date, calendar: WorkdayCalendar) -> date:
    """The last day of the "due within 3 working days" figures: provisional (Monday to Friday
    into a year whose holiday schedule is not entered yet), since the window only selects what
    the figures count and sets no limit; a provisional end is never later than the real one
    except in the 调休上班 case of ``core.workdays``."""
    return calendar.add_workdays_provisional(today, SOON_WORKDAYS).on


def _counts(scope: list[int], group: str, today: date, soon: date) -> dict[int, dict[str, int]]:
    """Every figure per ``group`` (``agency_id`` or ``unit_id``) in grouped queries, one or two
    per table: cases, determinations, publications, remedies, 执法监督意见. Each counts what the
    figure's filter on ``Case`` (``METRICS``, used by the drill-down) selects — cases, distinct —
    but reads the table it is about rather than one ``EXISTS`` per case and figure."""
    found: dict[int, dict[str, int]] = {}

    def put(key: int, values: dict[str, int]) -> None:
        found.setdefault(key, {m.key: 0 for m in METRICS}).update(values)

    plain = ("total", "open", "overdue", "due_soon")
    cases = Case.objects.filter(agency_id__in=scope).order_by().values(group)
    for row in cases.annotate(
        **{k: Count("pk", filter=BY_KEY[k].rule(today, soon)) for k in plain}
    ):
        put(row[group], {k: row[k] for k in plain})

    by_case = f"case__{group}"
    reviewed = Exists(Review.objects.filter(case_id=OuterRef("case_id")))
    needed = (
        Determination.objects.filter(required=True, case__agency_id__in=scope)
        .order_by()
        .values(by_case)
        .annotate(
            needed=Count("case_id", distinct=True),
            done=Count("case_id", distinct=True, filter=Q(reviewed)),
        )
    )
    for row in needed:
        put(
            row[by_case],
            {
                "review_needed": row["needed"],
                "review_done": row["done"],
                "review_missing": row["needed"] - row["done"],
            },
        )

    pending = PublicationStatus.PENDING
    # A case's publication carries the case's agency (disclosure.services): per agency, the
    # publications are counted on their own column, without joining every case of the area.
    if group == "agency_id":
        of_cases, by_publication = Publication.objects.filter(case__isnull=False), "agency_id"
        of_cases = of_cases.filter(agency_id__in=scope)
    else:
        of_cases, by_publication = Publication.objects.filter(case__agency_id__in=scope), by_case
    publications = (
        of_cases.annotate(published_on=TruncDate("published_at"))
        .order_by()
        .values(by_publication)
        .annotate(
            pub_on_time=Count("pk", filter=Q(published_on__lte=F("due_on"))),
            pub_late=Count("pk", filter=Q(published_on__gt=F("due_on"))),
            pub_overdue=Count("pk", filter=Q(status=pending, due_on__lt=today)),
            withdrawn=Count(
                "pk", filter=Q(withdrawal_due_on__isnull=False, withdrawn_at__isnull=False)
            ),
            withdrawal_overdue=Count(
                "pk", filter=Q(withdrawal_due_on__lt=today, withdrawn_at__isnull=True)
            ),
        )
    )
    keys = ("pub_on_time", "pub_late", "pub_overdue", "withdrawn", "withdrawal_overdue")
    for row in publications:
        put(row[by_publication], {k: row[k] for k in keys})

    by_remedy = f"remedy__case__{group}"
    outcomes = (
        RemedyStep.objects.filter(kind=RemedyStepKind.OUTCOME, remedy__case__agency_id__in=scope)
        .order_by()
        .values(by_remedy, "outcome")
        .annotate(n=Count("remedy__case_id", distinct=True))
    )
    for row in outcomes:
        put(row[by_remedy], {f"remedy_{row['outcome']}": row["n"]})
    ended = RemedyStep.objects.filter(remedy_id=OuterRef("pk"), kind=RemedyStepKind.OUTCOME)
    open_remedies = (
        Remedy.objects.filter(case__agency_id__in=scope)
        .filter(~Exists(ended))
        .order_by()
        .values(by_case)
        .annotate(n=Count("case_id", distinct=True))
    )
    for row in open_remedies:
        put(row[by_case], {"remedy_pending": row["n"]})
    opinions = (
        Opinion.objects.filter(case__agency_id__in=scope, status__in=OPEN)
        .order_by()
        .values(by_case)
        .annotate(
            opinion_open=Count("case_id", distinct=True),
            opinion_overdue=Count(
                "case_id",
                distinct=True,
                filter=Q(status__in=AWAITING_ANSWER, answer_due_on__lt=today),
            ),
        )
    )
    for row in opinions:
        put(row[by_case], {k: row[k] for k in ("opinion_open", "opinion_overdue")})
    return found


def _days(value: object) -> float | None:
    if isinstance(value, timedelta):
        return round(value.total_seconds() / 86400, 1)
    if isinstance(value, int | float):  # microseconds (SQLite)
        return round(float(value) / 86_400_000_000, 1)
    return None


def _turnaround(agency_ids: Iterable[int], group: str | None) -> dict[int, float]:
    """Average days from first submission to pass of the reviews passed, per group (one entry
    under 0 when ``group`` is None)."""
    took = ExpressionWrapper(F("passed_at") - F("submitted_at"), output_field=DurationField())
    reviews = Review.objects.filter(
        agency_id__in=sorted(agency_ids), status=ReviewStatus.PASSED, passed_at__isnull=False
    ).order_by()
    averages: dict[int, float] = {}
    if group is None:
        days = _days(reviews.aggregate(took=Avg(took))["took"])
        return {} if days is None else {0: days}
    for row in reviews.values(group).annotate(took=Avg(took)):
        days = _days(row["took"])
        if days is not None:
            averages[row[group]] = days
    return averages


def dashboard_for(
    officer: Officer, *, today: date, calendar: WorkdayCalendar, agency_id: int | None = None
) -> Dashboard:
    """The figures of every agency under ``officer``'s body, or — with ``agency_id`` in his
    scope — of that agency's units. An agency outside the scope gives no rows."""
    scope = dashboard_scope(officer)
    soon = _window(today, calendar)
    agency = None
    if agency_id is not None:
        if agency_id not in scope:
            scope = frozenset()
        else:
            scope = frozenset({agency_id})
            agency = Agency.objects.get(pk=agency_id)
    cases = Case.objects.filter(agency_id__in=sorted(scope))
    if agency is None:
        group, review_group = "agency_id", "agency_id"
        names = dict(Agency.objects.filter(pk__in=sorted(scope)).values_list("pk", "name"))
    else:
        group, review_group = "unit_id", "case__unit_id"
        names = dict(Unit.objects.filter(agency_id=agency.pk).values_list("pk", "name"))
    counts = _counts(sorted(scope), group, today, soon)
    turnaround = _turnaround(scope, review_group)
    empty = {m.key: 0 for m in METRICS}
    rows = [
        Row(key, name, counts.get(key, dict(empty)), turnaround.get(key))
        for key, name in sorted(names.items(), key=lambda item: item[1])
    ]
    total = Row(0, "合计", {m.key: sum(r.counts[m.key] for r in rows) for m in METRICS})
    total.turnaround_days = _turnaround(scope, None).get(0)
    by_procedure = []
    for row in (
        cases.order_by("procedure", "state").values("procedure", "state").annotate(n=Count("pk"))
    ):
        definition = PROCEDURES.get(row["procedure"])
        by_procedure.append(
            (
                row["procedure"],
                row["state"],
                definition.label if definition else row["procedure"],
                definition.states.get(row["state"], row["state"]) if definition else row["state"],
                row["n"],
            )
        )
    return Dashboard(today, soon, rows, total, by_procedure, agency)


def deviation_for(officer: Officer, *, today: date, agency_id: int | None = None) -> Deviation:
    """裁量偏离 of this year's decisions in ``officer``'s scope (or of one agency in it), by
    agency, unit and handler (``cases.deviation``; a block of its own on the dashboard)."""
    scope = dashboard_scope(officer)
    if agency_id is not None:
        scope = scope & {agency_id}
    return deviation_figures(agency_ids=scope, first=date(today.year, 1, 1), last=today)


def drilldown(
    officer: Officer,
    *,
    today: date,
    calendar: WorkdayCalendar,
    metric: str,
    agency_id: int | None = None,
    unit_id: int | None = None,
    procedure: str = "",
    state: str = "",
) -> QuerySet[Case]:
    """The cases behind one figure of the dashboard (the same filter that counted them)."""
    found = BY_KEY.get(metric)
    if found is None:
        raise KeyError(metric)
    scope = dashboard_scope(officer)
    if agency_id is not None:
        scope = scope & {agency_id}
    cases = Case.objects.filter(agency_id__in=sorted(scope)).filter(
        found.rule(today, _window(today, calendar))
    )
    if unit_id is not None:
        cases = cases.filter(unit_id=unit_id)
    if procedure:
        cases = cases.filter(procedure=procedure)
    if state:
        cases = cases.filter(state=state)
    return cases.select_related("agency", "unit").order_by("step_due_on", "-pk")


# --- 干预记录 ----------------------------------------------------------------------------


def interferences_for(officer: Officer) -> QuerySet[Interference]:
    """The 干预记录 ``officer`` may read: those of the agencies his body supervises, and those he
    wrote himself — never one that names him as the person who interfered, and none of his own
    agency's if he is its 负责人."""
    if not officer.is_active:
        return Interference.objects.none()
    mine = Q(recorded_by_id=officer.pk)
    supervised = supervised_agency_ids(officer)
    readable = mine | Q(agency_id__in=sorted(supervised)) if supervised else mine
    records = Interference.objects.filter(readable).exclude(intervener_id=officer.pk)
    if officer.has_role(Role.HEAD):
        records = records.exclude(agency_id=officer.unit.agency_id)
    return records.select_related("case", "agency", "recorded_by", "intervener")
