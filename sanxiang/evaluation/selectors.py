"""Reads of 案卷评查: who sees which campaign, the evaluator's cases, the agency's findings, the
roll-ups per agency and per officer, what the portal publishes, and the draw's verification."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import F, Q, QuerySet

from sanxiang.cases.models import Procedure
from sanxiang.evaluation import events, sampling
from sanxiang.evaluation.models import Assignment, Campaign, CampaignStatus
from sanxiang.inspections import draw
from sanxiang.ledger.events import content_digest
from sanxiang.ledger.models import LedgerEntry
from sanxiang.org.models import Officer, Role
from sanxiang.org.selectors import supervisory_body_of


def may_manage(officer: Officer, campaign: Campaign) -> bool:
    """Whether ``officer`` runs ``campaign`` (a 监督人员 of the body that started it)."""
    body = supervisory_body_of(officer)
    return body is not None and campaign.body_id == body.pk


def campaigns_for(officer: Officer) -> QuerySet[Campaign]:
    """The campaigns ``officer`` may open: his body's (as a 监督人员) and those he evaluates in."""
    body = supervisory_body_of(officer)
    visible = Q(evaluators=officer)
    if body is not None:
        visible |= Q(body_id=body.pk)
    return Campaign.objects.filter(visible).distinct().select_related("body", "standard")


def campaign_get_for(officer: Officer, campaign_id: int) -> Campaign | None:
    """The campaign if ``officer`` may open it, else None."""
    return campaigns_for(officer).filter(pk=campaign_id).first()


def assignments_of(campaign: Campaign) -> QuerySet[Assignment]:
    return (
        campaign.assignments.select_related("case", "agency", "evaluator")
        .prefetch_related("attachments__blob")
        .order_by("agency__name", "procedure", "pk")
    )


def may_open_finding_files(officer: Officer, assignment: Assignment) -> bool:
    """A 整改情况's files: the 监督人员 of the body running the campaign, and the 负责人 of the
    evaluated agency; nobody else (not the case's handlers: the finding is the head's)."""
    if may_manage(officer, assignment.campaign):
        return True
    return _is_head(officer) and officer.unit.agency_id == assignment.agency_id


def assignment_for_evaluator(officer: Officer, assignment_id: int) -> Assignment | None:
    """An assignment of ``officer`` as evaluator, with its campaign's standard."""
    return (
        Assignment.objects.select_related("campaign__standard", "case", "agency")
        .filter(pk=assignment_id, evaluator=officer)
        .first()
    )


def _is_head(officer: Officer) -> bool:
    return officer.is_active and officer.has_role(Role.HEAD)


def findings_for(officer: Officer) -> QuerySet[Assignment]:
    """The scored cases of the 负责人's agency, unanswered first (empty for anybody else)."""
    if not _is_head(officer):
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(agency_id=officer.unit.agency_id, submitted_at__isnull=False)
        .select_related("campaign", "case")
        .prefetch_related("marks__item", "attachments__blob")
        .order_by(F("answered_at").asc(nulls_first=True), "-submitted_at", "-pk")
    )


def findings_waiting(officer: Officer) -> QuerySet[Assignment]:
    """The findings the 负责人's agency has not yet answered (none for anyone else)."""
    if not _is_head(officer):
        return Assignment.objects.none()
    return Assignment.objects.filter(
        agency_id=officer.unit.agency_id, submitted_at__isnull=False, answered_at__isnull=True
    )


def findings_waiting_count(officer: Officer) -> int:
    """How many findings the 负责人's agency has not yet answered (the 工作台's line)."""
    return findings_waiting(officer).count()


def _mean(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class AgencyScore:
    """One agency's roll-up: cases scored, their mean, lowest and highest scores."""

    agency_id: int
    name: str
    cases: int
    mean: Decimal | None
    lowest: Decimal | None
    highest: Decimal | None


def _agency_rows(assignments: QuerySet[Assignment]) -> list[AgencyScore]:
    scores: dict[int, list[Decimal]] = defaultdict(list)
    names: dict[int, str] = {}
    for agency_id, name, score in assignments.values_list("agency_id", "agency__name", "score"):
        names[agency_id] = name
        if score is not None:
            scores[agency_id].append(score)
    return sorted(
        (
            AgencyScore(
                agency_id=pk,
                name=names[pk],
                cases=len(scores[pk]),
                mean=_mean(scores[pk]),
                lowest=min(scores[pk], default=None),
                highest=max(scores[pk], default=None),
            )
            for pk in names
        ),
        key=lambda row: row.name,
    )


def campaign_agency_scores(campaign: Campaign) -> list[AgencyScore]:
    """The campaign's scores rolled up per evaluated agency (scored cases only)."""
    return _agency_rows(campaign.assignments.filter(submitted_at__isnull=False))


def agency_scores(
    *, year: int | None = None, agency_ids: list[int] | None = None
) -> dict[int, AgencyScore]:
    """**Evaluation scores per agency**, for the scorecard and reports.

    Rolls up every case scored in a *closed* 案卷评查 campaign (any supervising body),
    keyed by agency id: number of cases scored, mean score (one decimal, half up), lowest and
    highest. Scores are out of the campaign's 评查标准 total (100 for the shipped standard).
    ``year`` keeps campaigns closed in that calendar year (local time); ``agency_ids`` keeps
    those agencies. An agency with no scored case is absent."""
    rows = scored_assignments(year=year, agency_ids=agency_ids)
    return {row.agency_id: row for row in _agency_rows(rows)}


def scored_assignments(
    *, year: int | None = None, agency_ids: list[int] | None = None
) -> QuerySet[Assignment]:
    """The scored cases that ``agency_scores`` rolls up, with the same filters: for a list of
    them (the scorecard's drill-down) and for whether each agency answered its findings."""
    rows = Assignment.objects.filter(
        campaign__status=CampaignStatus.CLOSED, submitted_at__isnull=False
    )
    if year is not None:
        rows = rows.filter(
            campaign__closed_at__date__gte=date(year, 1, 1),
            campaign__closed_at__date__lte=date(year, 12, 31),
        )
    if agency_ids is not None:
        rows = rows.filter(agency_id__in=agency_ids)
    return rows


@dataclass(frozen=True)
class OfficerScore:
    officer_id: int
    name: str
    agency: str
    cases: int
    mean: Decimal | None


def campaign_officer_scores(campaign: Campaign) -> list[OfficerScore]:
    """The campaign's scores per officer: each scored case counts for each of its handlers."""
    scores: dict[int, list[Decimal]] = defaultdict(list)
    info: dict[int, tuple[str, str]] = {}
    for assignment in campaign.assignments.filter(submitted_at__isnull=False).prefetch_related(
        "case__handlers__unit__agency"
    ):
        for handler in assignment.case.handlers.all():
            info[handler.pk] = (handler.name, handler.unit.agency.name)
            if assignment.score is not None:
                scores[handler.pk].append(assignment.score)
    return sorted(
        (
            OfficerScore(
                officer_id=pk,
                name=name,
                agency=agency,
                cases=len(scores[pk]),
                mean=_mean(scores[pk]),
            )
            for pk, (name, agency) in info.items()
        ),
        key=lambda row: (row.agency, row.name),
    )


@dataclass(frozen=True)
class StratumRow:
    agency: str
    credit_code: str
    procedure: str
    candidates: int
    k: int
    candidates_sha256: str


def strata_of(campaign: Campaign) -> list[StratumRow]:
    """The frozen frame's strata as the campaign page lists them (names, not codes)."""
    names = dict(campaign.agencies.values_list("credit_code", "name"))
    labels = dict(Procedure.choices)
    return [
        StratumRow(
            agency=names.get(s["agency"], s["agency"]),
            credit_code=s["agency"],
            procedure=labels.get(s["procedure"], s["procedure"]),
            candidates=len(s["candidates"]),
            k=s["k"],
            candidates_sha256=s["candidates_sha256"],
        )
        for s in (campaign.frame or {}).get("strata", [])
    ]


def published_campaigns() -> QuerySet[Campaign]:
    """Closed campaigns whose results were published (the portal's list)."""
    return (
        Campaign.objects.filter(status=CampaignStatus.CLOSED, published_at__isnull=False)
        .select_related("body", "standard")
        .order_by("-published_at", "-pk")
    )


def verify(campaign: Campaign) -> list[str]:
    """Recompute the campaign's sample from its recorded frame and beacon and compare it with
    the recorded result, the assignments and the ledger's digests. Empty when all agree."""
    problems: list[str] = []
    if campaign.frozen_at is None:
        return ["样本框尚未冻结。"]
    frozen = content_digest(events.freeze_content(campaign))
    if frozen != events.event_digest(campaign, events.EvaluationEvent.CAMPAIGN_FROZEN):
        problems.append("样本框与冻结事件记录的摘要不一致。")
    problems.extend(
        f"{stratum['agency']} {stratum['procedure']} 的案卷名单摘要不一致。"
        for stratum in campaign.frame.get("strata", [])
        if draw.list_sha256(stratum["candidates"]) != stratum["candidates_sha256"]
    )
    if campaign.drawn_at is None:
        return problems
    try:
        again = sampling.sample(campaign.frame, campaign.beacon)
    except draw.DrawInputError as exc:
        return [*problems, f"无法重新抽取：{exc}"]
    if again != campaign.result:
        problems.append("按记录的样本框和随机源重新抽取，结果与记录的抽样结果不一致。")
    drawn = content_digest(events.draw_content(campaign))
    if drawn != events.event_digest(campaign, events.EvaluationEvent.CAMPAIGN_DRAWN):
        problems.append("抽样结果与抽取事件记录的摘要不一致。")
    expected = {
        stratum["ids"][key]: result["evaluators"][key]
        for stratum, result in zip(campaign.frame["strata"], again, strict=False)
        for key in result["cases"]
    }
    actual = {
        case_id: sampling.evaluator_key(evaluator_id)
        for case_id, evaluator_id in campaign.assignments.values_list("case_id", "evaluator_id")
    }
    if expected != actual:
        problems.append("评查案卷或者评查人员与抽样结果不一致。")
    problems.extend(_score_problems(campaign))
    return problems


def _score_problems(campaign: Campaign) -> list[str]:
    """Each scored case against the digest of its last ledger event (scored or answered): a
    score, deduction, finding or answer changed behind the services no longer agrees."""
    # Ordered by sequence, so each assignment keeps its last event's digest.
    latest: dict[str, str] = dict(
        LedgerEntry.objects.filter(
            object_type=events.ASSIGNMENT,
            object_id__in=[str(pk) for pk in campaign.assignments.values_list("pk", flat=True)],
        )
        .order_by("sequence")
        .values_list("object_id", "content_sha256")
    )
    problems = []
    for assignment in campaign.assignments.filter(submitted_at__isnull=False).prefetch_related(
        "attachments"
    ):
        marks = list(assignment.marks.order_by("item__position", "pk"))
        files = list(assignment.attachments.all())
        if content_digest(events.assignment_content(assignment, marks, files)) != latest.get(
            str(assignment.pk)
        ):
            problems.append(f"案卷 {assignment.case_id} 的评分与日志记录不一致。")
    return problems


def _place(listed: list[Any], key: Any) -> int | None:
    """Where ``key`` stands in a frozen list; None (shown as 不一致) when a stored draw names
    what its frame does not hold — ``verify`` reports such a campaign, the page still answers."""
    try:
        return listed.index(key)
    except ValueError:
        return None


def public_draw_record(campaign: Campaign) -> dict[str, Any]:
    """What the portal publishes of a campaign's draw, enough to recompute it without naming a
    case or a person: the declared beacon and its value, the evaluator list's hash and size,
    and per stratum the case list's hash and size, k, the seed and the places drawn
    (``sampling.positions``). The lists themselves stay with the body and the agencies."""
    frame = campaign.frame or {}
    evaluators = list(frame.get("evaluators", []))
    names = dict(campaign.agencies.values_list("credit_code", "name"))
    labels = dict(Procedure.choices)
    strata = []
    for stratum, drawn in zip(frame.get("strata", []), campaign.result or [], strict=False):
        candidates = list(stratum["candidates"])
        strata.append(
            {
                "agency": names.get(stratum["agency"], ""),
                "credit_code": stratum["agency"],
                "procedure": labels.get(stratum["procedure"], stratum["procedure"]),
                "candidates_sha256": stratum["candidates_sha256"],
                "n": len(candidates),
                "k": stratum["k"],
                "seed": drawn["seed"],
                "drawn_positions": [_place(candidates, key) for key in drawn["cases"]],
                "evaluator_positions": [
                    _place(evaluators, drawn.get("evaluators", {}).get(key))
                    for key in drawn["cases"]
                ],
            }
        )
    known_at = campaign.beacon_known_at
    return {
        "algorithm": draw.ALGORITHM,
        "campaign": campaign.name,
        "body": campaign.body.name,
        "frozen_at": _utc(campaign.frozen_at),
        "beacon": {
            "source": campaign.beacon_source,
            "form": campaign.beacon_form,
            "pattern": campaign.beacon_pattern,
            "known_at": _utc(known_at),
            "value": campaign.beacon,
        },
        "drawn_at": _utc(campaign.drawn_at),
        "evaluators_sha256": draw.list_sha256(evaluators),
        "evaluators": len(evaluators),
        "strata": strata,
    }


def _utc(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def published_campaign(campaign_id: int) -> Campaign | None:
    return published_campaigns().filter(pk=campaign_id).first()
