"""The inspections app's ledger events and their builders (see ``sanxiang.ledger.events``).

The freeze and the draw carry the digest of what a reader recomputes from the public record:
the freeze binds the two list hashes, k, m, the conflicts and the commitments before any
beacon is known; the draw binds the beacons, the seed and the result.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sanxiang.inspections.models import (
    Beacon,
    Commitment,
    Conflict,
    InspectionPlan,
    InspectionTask,
)
from sanxiang.ledger.events import Event, builds, content_digest, record_digest
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.services import actor_for
from sanxiang.org.models import Agency, Officer


class InspectionEvent(Event):
    TARGETS_IMPORTED = "inspections.targets.imported", "org.agency"
    PLAN_CREATED = "inspections.plan.created", "inspections.inspectionplan"
    TASK_CREATED = "inspections.task.created", "inspections.inspectiontask"
    CONFLICT_RECORDED = "inspections.conflict.recorded", "inspections.conflict"
    COMMITMENT_RECORDED = "inspections.commitment.recorded", "inspections.commitment"
    TASK_FROZEN = "inspections.task.frozen", "inspections.inspectiontask"
    BEACON_ENTERED = "inspections.beacon.entered", "inspections.beacon"
    TASK_DRAWN = "inspections.task.drawn", "inspections.inspectiontask"


def utc_text(moment: datetime) -> str:
    """A moment as the public record prints it and the beacon's digest covers it (UTC)."""
    return moment.astimezone(UTC).isoformat()


def _actor(officer: Officer) -> str:
    return actor_for(officer.user)


def freeze_content(task: InspectionTask) -> dict[str, Any]:
    """What the freeze event's digest covers (also published in the draw's record)."""
    return {
        "algorithm": "SX-DRAW-1",
        "candidates_sha256": task.candidates_sha256,
        "inspectors_sha256": task.inspectors_sha256,
        "k": task.k,
        "m": task.m,
        "conflicts": task.conflicts,
        "commitments": [c.digest for c in task.commitments.order_by("made_at", "pk")],
        "beacon_plan": list(task.beacon_plan),
    }


def draw_content(task: InspectionTask, beacons: list[str]) -> dict[str, Any]:
    """What the draw event's digest covers."""
    return {
        **freeze_content(task),
        "beacons": beacons,
        "seed": task.seed,
        "targets": task.targets,
        "teams": task.teams,
    }


@builds(InspectionEvent.TARGETS_IMPORTED)
def targets_imported(agency: Agency, *, actor: str, file_sha256: str) -> LedgerEntry:
    """A 名录库 file imported for ``agency`` (the file's digest; one event per file)."""
    return InspectionEvent.TARGETS_IMPORTED.append(
        agency.pk, actor=actor, agency_id=agency.pk, content_sha256=file_sha256
    )


@builds(InspectionEvent.PLAN_CREATED)
def plan_created(plan: InspectionPlan, *, actor: Officer) -> LedgerEntry:
    return InspectionEvent.PLAN_CREATED.append(
        plan.pk,
        actor=_actor(actor),
        agency_id=plan.ledger_agency_id,
        content_sha256=record_digest(plan),
    )


@builds(InspectionEvent.TASK_CREATED)
def task_created(task: InspectionTask, *, actor: Officer) -> LedgerEntry:
    return InspectionEvent.TASK_CREATED.append(
        task.pk, actor=_actor(actor), agency_id=task.agency_id, content_sha256=record_digest(task)
    )


@builds(InspectionEvent.CONFLICT_RECORDED)
def conflict_recorded(conflict: Conflict, *, actor: Officer) -> LedgerEntry:
    return InspectionEvent.CONFLICT_RECORDED.append(
        conflict.pk,
        actor=_actor(actor),
        agency_id=conflict.ledger_agency_id,
        content_sha256=record_digest(conflict),
    )


@builds(InspectionEvent.COMMITMENT_RECORDED)
def commitment_recorded(commitment: Commitment, *, actor: Officer) -> LedgerEntry:
    return InspectionEvent.COMMITMENT_RECORDED.append(
        commitment.pk,
        actor=_actor(actor),
        agency_id=commitment.ledger_agency_id,
        content_sha256=record_digest(commitment),
    )


@builds(InspectionEvent.TASK_FROZEN)
def task_frozen(task: InspectionTask, *, actor: Officer) -> LedgerEntry:
    return InspectionEvent.TASK_FROZEN.append(
        task.pk,
        actor=_actor(actor),
        agency_id=task.agency_id,
        content_sha256=content_digest(freeze_content(task)),
    )


@builds(InspectionEvent.BEACON_ENTERED)
def beacon_entered(beacon: Beacon, *, actor: Officer) -> LedgerEntry:
    return InspectionEvent.BEACON_ENTERED.append(
        beacon.pk,
        actor=_actor(actor),
        agency_id=beacon.ledger_agency_id,
        content_sha256=content_digest(
            {
                "task": beacon.task_id,
                "position": beacon.position,
                "value": beacon.value,
                "source": beacon.source,
                "published_at": utc_text(beacon.published_at),
            }
        ),
    )


@builds(InspectionEvent.TASK_DRAWN)
def task_drawn(task: InspectionTask, beacons: list[str], *, actor: Officer) -> LedgerEntry:
    return InspectionEvent.TASK_DRAWN.append(
        task.pk,
        actor=_actor(actor),
        agency_id=task.agency_id,
        content_sha256=content_digest(draw_content(task, beacons)),
    )
