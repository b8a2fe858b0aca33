"""The evaluation app's ledger events (see ``sanxiang.ledger.events``).

The freeze binds the frame (per stratum the hash of its sorted case list), the evaluators'
hash, the number per stratum and the declared beacon before the beacon is known; the draw binds
the beacon, the seeds and the cases drawn. ``draw_content`` is what ``verify`` recomputes.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from sanxiang.evaluation.models import Assignment, Campaign
from sanxiang.ledger.events import Event, builds, content_digest, record_digest
from sanxiang.ledger.models import LedgerEntry

CAMPAIGN = "evaluation.campaign"
ASSIGNMENT = "evaluation.assignment"


class EvaluationEvent(Event):
    CAMPAIGN_CREATED = "evaluation.campaign.created", CAMPAIGN
    CAMPAIGN_FROZEN = "evaluation.campaign.frozen", CAMPAIGN
    CAMPAIGN_DRAWN = "evaluation.campaign.drawn", CAMPAIGN
    CAMPAIGN_CLOSED = "evaluation.campaign.closed", CAMPAIGN
    CAMPAIGN_PUBLISHED = "evaluation.campaign.published", CAMPAIGN
    ASSIGNMENT_SCORED = "evaluation.assignment.scored", ASSIGNMENT
    ASSIGNMENT_ANSWERED = "evaluation.assignment.answered", ASSIGNMENT


def freeze_content(campaign: Campaign) -> dict[str, Any]:
    """What the freeze event's digest covers: everything the draw depends on but the beacon."""
    frame = campaign.frame or {}
    return {
        "algorithm": "SX-DRAW-1",
        "campaign": campaign.pk,
        "standard": campaign.standard.version,
        "closed_from": campaign.closed_from.isoformat(),
        "closed_to": campaign.closed_to.isoformat(),
        "per_stratum": campaign.per_stratum,
        "strata": [
            {
                "agency": s["agency"],
                "procedure": s["procedure"],
                "candidates": s["candidates"],
                "k": s["k"],
                "ids": s["ids"],
            }
            for s in frame.get("strata", [])
        ],
        "evaluators": frame.get("evaluators", []),
        "beacon_plan": beacon_plan(campaign),
    }


def beacon_plan(campaign: Campaign) -> Any:
    """The declared beacon as the freeze binds it: its source, form and publication time (a
    campaign frozen before forms were declared keeps the bare source it was frozen with)."""
    if campaign.beacon_known_at is None:
        return campaign.beacon_source
    return {
        "source": campaign.beacon_source,
        "form": campaign.beacon_form,
        "pattern": campaign.beacon_pattern,
        "known_at": campaign.beacon_known_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def draw_content(campaign: Campaign) -> dict[str, Any]:
    """What the draw event's digest covers."""
    return {**freeze_content(campaign), "beacon": campaign.beacon, "result": campaign.result}


def event_digest(campaign: Campaign, event: EvaluationEvent) -> str:
    """The digest the campaign's last ``event`` entered in the ledger ("" if none)."""
    entry = (
        LedgerEntry.objects.filter(
            action=event.value, object_type=CAMPAIGN, object_id=str(campaign.pk)
        )
        .order_by("-sequence")
        .first()
    )
    return entry.content_sha256 if entry is not None else ""


def _campaign_event(event: EvaluationEvent, campaign: Campaign, actor: str, digest: str) -> Any:
    return event.append(
        campaign.pk, actor=actor, agency_id=campaign.ledger_agency_id, content_sha256=digest
    )


@builds(EvaluationEvent.CAMPAIGN_CREATED)
def campaign_created(campaign: Campaign, *, actor: str) -> LedgerEntry:
    """A supervising body started a campaign (name, period, agencies, evaluators, standard)."""
    content = {
        "record": record_digest(campaign),
        "agencies": sorted(campaign.agencies.values_list("pk", flat=True)),
        "evaluators": sorted(campaign.evaluators.values_list("pk", flat=True)),
    }
    entry: LedgerEntry = _campaign_event(
        EvaluationEvent.CAMPAIGN_CREATED, campaign, actor, content_digest(content)
    )
    return entry


@builds(EvaluationEvent.CAMPAIGN_FROZEN)
def campaign_frozen(campaign: Campaign, *, actor: str) -> LedgerEntry:
    """The frame of closed cases and the evaluators fixed, the beacon declared."""
    entry: LedgerEntry = _campaign_event(
        EvaluationEvent.CAMPAIGN_FROZEN, campaign, actor, content_digest(freeze_content(campaign))
    )
    return entry


@builds(EvaluationEvent.CAMPAIGN_DRAWN)
def campaign_drawn(campaign: Campaign, *, actor: str) -> LedgerEntry:
    """The beacon entered and the sample drawn (SX-DRAW-1 per stratum)."""
    entry: LedgerEntry = _campaign_event(
        EvaluationEvent.CAMPAIGN_DRAWN, campaign, actor, content_digest(draw_content(campaign))
    )
    return entry


@builds(EvaluationEvent.CAMPAIGN_CLOSED, EvaluationEvent.CAMPAIGN_PUBLISHED)
def campaign_status_recorded(
    campaign: Campaign, *, event: EvaluationEvent, actor: str
) -> LedgerEntry:
    """The campaign closed (every case scored) or its aggregate results published."""
    entry: LedgerEntry = _campaign_event(event, campaign, actor, record_digest(campaign))
    return entry


def assignment_content(
    assignment: Assignment, marks: list[Any], attachments: list[Any] | None = None
) -> dict[str, Any]:
    """What the scored and answered events' digests cover: the row and its marks, and the
    SHA-256 and name of each file sent with the answer (the key only when there are files, so
    an answer without any keeps the digest it always had)."""
    content: dict[str, Any] = {
        "record": record_digest(assignment),
        "marks": [[m.item_id, str(m.deduction), m.finding] for m in marks],
    }
    if attachments:
        content["attachments"] = [[a.blob_id, a.filename] for a in attachments]
    return content


@builds(EvaluationEvent.ASSIGNMENT_SCORED, EvaluationEvent.ASSIGNMENT_ANSWERED)
def assignment_recorded(
    assignment: Assignment,
    *,
    event: EvaluationEvent,
    actor: str,
    marks: list[Any],
    attachments: list[Any] | None = None,
) -> LedgerEntry:
    """An evaluator's score with his deductions and findings, or the agency's 整改情况 with
    the files it sent."""
    content = assignment_content(assignment, marks, attachments)
    # The score goes to the supervising body's log; the answer is the agency's own act.
    answered = event == EvaluationEvent.ASSIGNMENT_ANSWERED
    return event.append(
        assignment.pk,
        actor=actor,
        agency_id=assignment.agency_id if answered else assignment.campaign.ledger_agency_id,
        content_sha256=content_digest(content),
    )
