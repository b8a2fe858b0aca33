"""The evaluators of the 预警规则: for each rule key, what holds now.

Each evaluator answers ``(findings, scope)`` for a rule, today and optionally one case:
``findings`` maps a subject ("case:12" …) to what to say about it; ``scope`` is the set of
subjects it looked at (``None``: all of the rule's subjects). An open alert whose subject is in
scope but no longer found is resolved; a finding without an open alert raises one. With a case
given, an evaluator looks only at what that case can change, so a step pays for one case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet

from sanxiang.alerts.models import AlertRule
from sanxiang.cases.models import Case, Procedure, StepTaken, evidence_reference
from sanxiang.cases.workflow.states import GeneralState, MeasureState
from sanxiang.disclosure.models import Publication, PublicationStatus
from sanxiang.evidence.models import EvidenceItem, EvidenceKind


@dataclass(frozen=True)
class Finding:
    agency_id: int
    case_id: int | None
    text: str


Found = tuple[dict[str, Finding], set[str] | None]
Evaluator = Callable[[AlertRule, date, Case | None], Found]


def case_name(case: Case) -> str:
    return f"{case.number or '（未立案）'}（{case.title}）"


def _cases(case: Case | None) -> tuple[QuerySet[Case], set[str] | None]:
    """The cases to look at, and the scope that goes with them."""
    if case is None:
        return Case.objects.all(), None
    return Case.objects.filter(pk=case.pk), {f"case:{case.pk}"}


_UNDECIDED = Q(decided_on__isnull=True) & ~Q(
    state__in=[
        GeneralState.NOT_REGISTERED, GeneralState.NO_PENALTY, GeneralState.TRANSFERRED,
        GeneralState.WITHDRAWN, GeneralState.CLOSED, GeneralState.ARCHIVED,
    ]
)  # fmt: skip


def decision_due_soon(rule: AlertRule, today: date, case: Case | None) -> Found:
    """一般程序 cases not decided whose 决定期限 is within ``threshold`` days, or past."""
    cases, scope = _cases(case)
    horizon = today + timedelta(days=rule.threshold)
    rows = cases.filter(
        _UNDECIDED, procedure=Procedure.PENALTY_GENERAL, decision_due_on__lte=horizon
    ).only("pk", "agency_id", "number", "title", "decision_due_on")
    found = {}
    for row in rows:
        due = row.decision_due_on or horizon  # never None: filtered on it
        if due < today:
            when = f"已超过决定期限 {(today - due).days} 日"
        else:
            when = f"{(due - today).days} 日后届满"
        found[f"case:{row.pk}"] = Finding(
            row.agency_id,
            row.pk,
            f"{case_name(row)}的决定期限为 {due:%Y年%m月%d日}，{when}。",
        )
    return found, scope


def publication_overdue(rule: AlertRule, today: date, case: Case | None) -> Found:
    """Records not published by their due date (应公示期限)."""
    publications = Publication.objects.all()
    scope: set[str] | None = None
    if case is not None:
        publications = publications.filter(case_id=case.pk)
        scope = {f"publication:{pk}" for pk in publications.values_list("pk", flat=True)}
    rows = publications.filter(
        status=PublicationStatus.PENDING, due_on__lt=today - timedelta(days=rule.threshold)
    ).select_related("case")
    found = {}
    for row in rows:
        name = case_name(row.case) if row.case is not None else row.title
        found[f"publication:{row.pk}"] = Finding(
            row.agency_id,
            row.case_id,
            f"{name}的执法决定应于 {row.due_on:%Y年%m月%d日} 前公示，至今未公示。",
        )
    return found, scope


_MEASURE_TAKEN = [
    MeasureState.IN_FORCE, MeasureState.EXTENDED, MeasureState.RELEASED,
    MeasureState.CONFISCATED, MeasureState.DESTROYED, MeasureState.CLOSED,
]  # fmt: skip


def seizure_without_video(rule: AlertRule, today: date, case: Case | None) -> Found:
    """查封、扣押 carried out, and no 全程录像 filed under the case."""
    cases, scope = _cases(case)
    rows = list(
        cases.filter(
            procedure=Procedure.COERCIVE_MEASURE,
            measure_taken_at__isnull=False,
            state__in=_MEASURE_TAKEN,
        ).only("pk", "agency_id", "number", "title", "measure_taken_at")
    )
    filed = set(
        EvidenceItem.objects.filter(
            kind=EvidenceKind.FULL_VIDEO,
            case_number__in=[evidence_reference(row) for row in rows],
        ).values_list("case_number", flat=True)
    )
    return {
        f"case:{row.pk}": Finding(
            row.agency_id,
            row.pk,
            f"{case_name(row)}已实施查封、扣押，但没有登记全程录像。",
        )
        for row in rows
        if evidence_reference(row) not in filed
    }, scope


_ENDED_DECIDED = [GeneralState.CLOSED, GeneralState.ARCHIVED]


def closed_without_service(rule: AlertRule, today: date, case: Case | None) -> Found:
    """一般程序 cases with a decision, closed or archived, with no 送达 recorded."""
    cases, scope = _cases(case)
    rows = cases.filter(
        procedure=Procedure.PENALTY_GENERAL,
        decided_on__isnull=False,
        served_on__isnull=True,
        state__in=_ENDED_DECIDED,
    ).only("pk", "agency_id", "number", "title")
    return {
        f"case:{row.pk}": Finding(
            row.agency_id, row.pk, f"{case_name(row)}已结案，但没有记录决定书的送达。"
        )
        for row in rows
    }, scope


WINDOW_DAYS = 30


def repeated_no_filing(rule: AlertRule, today: date, case: Case | None) -> Found:
    """One person declined to open (不予立案) ``threshold`` or more cases in 30 days."""
    steps = StepTaken.objects.filter(
        action="decline", officer__isnull=False, taken_on__gt=today - timedelta(days=WINDOW_DAYS)
    )
    scope: set[str] | None = None
    if case is not None:
        actors = set(
            StepTaken.objects.filter(
                case_id=case.pk, action="decline", officer__isnull=False
            ).values_list("officer_id", flat=True)
        )
        scope = {f"officer:{pk}" for pk in actors}
        steps = steps.filter(officer_id__in=actors)
    rows = (
        steps.values("officer_id", "officer__name", "case__agency_id")
        .annotate(times=Count("pk"))
        .filter(times__gte=max(rule.threshold, 1))
        .order_by()
    )
    return {
        f"officer:{row['officer_id']}": Finding(
            row["case__agency_id"],
            None,
            f"{row['officer__name']}近 {WINDOW_DAYS} 日内作出不予立案 {row['times']} 次。",
        )
        for row in rows
    }, scope


EVALUATORS: dict[str, Evaluator] = {
    "decision_due_soon": decision_due_soon,
    "publication_overdue": publication_overdue,
    "seizure_without_video": seizure_without_video,
    "closed_without_service": closed_without_service,
    "repeated_no_filing": repeated_no_filing,
}


def evaluator_register(key: str, evaluator: Evaluator) -> None:
    """Add the evaluator of a rule whose facts live in an app above this one (e.g. the 执法监督意见
    of ``sanxiang.supervision``, which also reads the alerts): that app registers it from its
    ``AppConfig.ready``, so rules load and evaluate without this module importing it."""
    registered = EVALUATORS.setdefault(key, evaluator)
    if registered is not evaluator:
        raise ValueError(f"alert rule {key!r} already has an evaluator: {registered!r}")
