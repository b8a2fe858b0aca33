"""现场执法 on a phone: what its pages read (colleagues, articles, open cases, refusals)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.db.models import Q
from django.utils import timezone

from sanxiang.cases import selectors
from sanxiang.cases.circumstances import CaseDiscretion, case_discretion
from sanxiang.cases.models import Case, CaseDocument, Procedure, evidence_reference
from sanxiang.cases.services import ONSITE_STATES
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.cases.workflow.engine import GuardContext, Refusal, Transition
from sanxiang.cases.workflow.guards import WITHIN_ON_SPOT_LIMITS
from sanxiang.cases.workflow.states import InspectionState
from sanxiang.core.selectors import get_calendar
from sanxiang.discretion.models import Violation
from sanxiang.discretion.selectors import (
    benchmark_in_force,
    circumstances_for,
    fine_check,
    violation_search,
    violation_with_tiers,
)
from sanxiang.evidence.models import EvidenceItem
from sanxiang.org.models import Article, EnforcementItem, Officer, PowerKind, Role

ArticleGroups = list[tuple[str, list[Article]]]


def colleagues_for(officer: Officer) -> list[Officer]:
    """Who may go out with ``officer``: in post, certified today, not a 法制审核人员, and —
    unless he is a 负责人 — of his own unit (as ``handlers_set`` requires)."""
    today = timezone.localdate()
    people = (
        Officer.objects.filter(unit__agency_id=officer.unit.agency_id, is_active=True)
        .exclude(pk=officer.pk)
        .select_related("unit")
        .prefetch_related("roles", "certificates__categories")
        .order_by("unit__name", "name")
    )
    if not officer.has_role(Role.HEAD):
        people = people.filter(unit_id=officer.unit_id)
    chosen = []
    for person in people:
        certificate = person.certificate_valid_on(today)
        if certificate is None or person.has_role(Role.REVIEWER):
            continue
        chosen.append(person)
    return chosen


def usual_category(officer: Officer) -> str:
    """The 执法类别 of the officer's certificate, to start with."""
    certificate = officer.certificate_valid_on(timezone.localdate())
    category = certificate.categories.order_by("pk").first() if certificate else None
    return str(category.pk) if category else ""


def onsite_cases_for(officer: Officer) -> list[Case]:
    """The officer's unfinished on-site cases, to come back to."""
    cases = selectors.cases_for(officer).filter(handlers=officer)
    rows = []
    for procedure, states in ONSITE_STATES.items():
        rows += list(cases.filter(procedure=procedure, state__in=states)[:20])
    return sorted(rows, key=lambda c: c.created_at, reverse=True)


def article_choices(case: Case) -> tuple[ArticleGroups, str]:
    """The articles to pick from: those the agency's 行政执法事项 (处罚, of the case's category)
    cite, else every article in force in the 法律法规库; with a 违法行为 chosen from the 裁量基准,
    its own articles too (they are the case's basis)."""
    kind = PowerKind.PENALTY if case.procedure == Procedure.PENALTY_SIMPLE else PowerKind.INSPECTION
    listed = Q(
        pk__in=EnforcementItem.objects.filter(
            agency_id=case.agency_id, kind=kind, category_id=case.category_id, is_active=True
        ).values("basis_articles")
    )
    cited = Article.objects.filter(listed, law__is_in_force=True)
    source = "本机关行政执法事项清单所列依据"
    if not cited.exists():
        cited, source = Article.objects.filter(law__is_in_force=True), "法律法规库"
    elif case.discretion_violation_id is not None:
        chosen = Violation.objects.filter(pk=case.discretion_violation_id)
        cited = Article.objects.filter(
            listed
            | Q(pk__in=chosen.values("violated_articles"))
            | Q(pk__in=chosen.values("penalty_articles")),
            law__is_in_force=True,
        )
    articles = cited.select_related("law").order_by("law__title", "number")
    return [
        (title, list(group)) for title, group in groupby(articles, lambda a: a.law.title)
    ], source


def _context(case: Case, officer: Officer) -> GuardContext:
    return GuardContext(
        case=case, actor=officer, today=timezone.localdate(), calendar=get_calendar()
    )


def decide_refusal(case: Case, officer: Officer) -> Refusal | None:
    """Why 当场作出处罚决定 may not happen now (any guard), or None."""
    definition = PROCEDURES[case.procedure]
    return definition.refusal(definition.transition("decide_on_spot"), _context(case, officer))


def is_limits_refusal(refusal: Refusal | None) -> bool:
    """Whether ``refusal`` is the 第五十一条 limit (the case can only be converted)."""
    return refusal is not None and refusal.guard == WITHIN_ON_SPOT_LIMITS.name


def limits_refusal(case: Case, officer: Officer) -> Refusal | None:
    """The 第五十一条 refusal of the decision, if that is what refuses it."""
    refusal = decide_refusal(case, officer)
    return refusal if is_limits_refusal(refusal) else None


def inspection_results(case: Case, officer: Officer) -> list[tuple[Transition, Refusal | None]]:
    """The 检查结果 steps of a checked inspection, each with why it may not happen now."""
    if case.procedure != Procedure.INSPECTION or case.state != InspectionState.CHECKED:
        return []
    definition = PROCEDURES[case.procedure]
    return [
        (t, r)
        for t, r in definition.options(_context(case, officer))
        if t.action in ("find_nothing", "find_violation")
    ]


def latest_document(case: Case, kind: str) -> CaseDocument | None:
    return CaseDocument.objects.filter(case=case, kind=kind).order_by("-version").first()


def follow_up_of(case: Case) -> Case | None:
    """The general-procedure case this one was converted or referred into, if any."""
    return Case.objects.filter(origin=case).first()


@dataclass
class PhoneDiscretion:
    """The phone's 裁量 panel: the same picker as the case page — search, the chosen 违法行为
    with its tiers, its 情节 to tick with this case's photos, the applicable tier, range,
    suggested amount and why (``case_discretion``)."""

    has_benchmark: bool
    query: str
    results: list[Violation]
    violation: Violation | None
    found: CaseDiscretion | None
    rows: list[dict[str, Any]]
    problems: list[str]


def phone_discretion(case: Case, *, query: str, posted: Any = None) -> PhoneDiscretion:
    """What the 当场处罚 step shows of the 裁量基准; ``posted`` (a refused form) keeps what the
    officer ticked, else the case's recorded 情节 are shown."""
    query = " ".join(query.split())[:100]
    violation = (
        violation_with_tiers(case.discretion_violation_id)
        if case.discretion_violation_id is not None
        else None
    )
    has_benchmark = violation is not None or benchmark_in_force(case.agency_id) is not None
    found = case_discretion(case, violation=violation) if violation is not None else None
    rows: list[dict[str, Any]] = []
    if violation is not None and found is not None:
        photos = list(
            EvidenceItem.objects.filter(
                agency_id=case.agency_id, case_number=evidence_reference(case),
                superseded_by__isnull=True,
            ).order_by("collected_at", "pk")
        )  # fmt: skip
        recorded = {row.circumstance_id: row for row in found.rows}
        for circumstance in circumstances_for(violation):
            row = recorded.get(circumstance.pk)
            key = str(circumstance.pk)
            if posted is not None:
                ticked = key in posted.getlist("circumstance")
                chosen = set(posted.getlist(f"evidence-{key}"))
                note = str(posted.get(f"note-{key}", ""))
            else:
                ticked = row is not None
                chosen = {str(e.pk) for e in row.evidence.all()} if row else set()
                note = row.note if row else ""
            rows.append(
                {
                    "circumstance": circumstance,
                    "ticked": ticked,
                    "note": note,
                    "photos": [(p, str(p.pk) in chosen) for p in photos],
                }
            )
    problems = fine_check(violation, case.fine_yuan).problems if violation is not None else []
    return PhoneDiscretion(
        has_benchmark=has_benchmark,
        query=query,
        results=violation_search(case.agency_id, query, limit=10) if query else [],
        violation=violation,
        found=found,
        rows=rows,
        problems=problems,
    )
