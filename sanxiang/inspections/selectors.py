"""Reads of 双随机一公开 for the office and the public portal.

``draw_record`` is the public record of a draw: the JSON at /gongshi/draws/<id>.json, the same
object embedded in its page for the in-browser verifier (portal/static/portal/sxdraw.js), and
what the ≤30-line verifier in docs/operations/inspections.md reads.
"""

from __future__ import annotations

import base64
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from sanxiang.cases.workflow.states import InspectionState
from sanxiang.core.beijing import beijing_text
from sanxiang.inspections.draw import ALGORITHM
from sanxiang.inspections.events import InspectionEvent, utc_text
from sanxiang.inspections.models import (
    DrawnTarget,
    InspectionPlan,
    InspectionTarget,
    InspectionTask,
    RiskLevel,
    TaskState,
)
from sanxiang.ledger.models import LedgerEntry, TreeHead
from sanxiang.ledger.selectors import inclusion_proof
from sanxiang.org.models import Officer

PUBLIC_STATES = (TaskState.FROZEN, TaskState.DRAWN)


def draws_public() -> QuerySet[InspectionTask]:
    """Every task whose lists are frozen (its record is public from the freeze on)."""
    return (
        InspectionTask.objects.filter(state__in=PUBLIC_STATES)
        .select_related("agency", "plan__item")
        .defer(*LARGE_FIELDS)
        .order_by("-frozen_at", "-pk")
    )


# The frozen lists and the result: up to hundreds of thousands of entries, read only by the
# page of one draw.
LARGE_FIELDS = (
    "candidates", "candidate_labels", "inspectors", "inspector_labels", "inspector_officers",
    "conflicts", "teams",
)  # fmt: skip


def draw_public(pk: int) -> InspectionTask | None:
    return (
        InspectionTask.objects.filter(state__in=PUBLIC_STATES, pk=pk)
        .select_related("agency", "plan__item")
        .first()
    )


def tasks_for(officer: Officer) -> QuerySet[InspectionTask]:
    """The tasks of the officer's agency, led or joined."""
    agency_id = officer.unit.agency_id
    return (
        InspectionTask.objects.filter(
            Q(agency_id=agency_id)
            | Q(
                pk__in=InspectionTask.partners.through.objects.filter(agency_id=agency_id).values(
                    "inspectiontask_id"
                )
            )
        )
        .select_related("plan__item")
        .defer(*LARGE_FIELDS)
        .order_by("-created_at")
    )


def plans_for(officer: Officer) -> QuerySet[InspectionPlan]:
    return InspectionPlan.objects.filter(item__agency_id=officer.unit.agency_id).select_related(
        "item"
    )


def _proof(task: InspectionTask, event: InspectionEvent) -> dict[str, Any] | None:
    """Where the event sits in its agency's log, with its inclusion path to the newest signed
    head that covers it (``None`` until a head covers it)."""
    entry = (
        LedgerEntry.objects.filter(
            object_type=event.object_type, object_id=str(task.pk), action=event.value
        )
        .select_related("log")
        .first()
    )
    if entry is None:
        return None
    head = (
        TreeHead.objects.filter(log=entry.log, size__gt=entry.index)
        .order_by("-size", "-id")
        .first()
    )
    proof: dict[str, Any] = {
        "log": entry.log.key,
        "leaf_index": entry.index,
        "leaf": entry.leaf,
        "content_sha256": entry.content_sha256,
    }
    if head is not None:
        path = inclusion_proof(index=entry.index, size=head.size, log=entry.log)
        proof |= {
            "tree_size": head.size,
            "root_hex": head.root,
            "inclusion_path": [base64.b64encode(node).decode() for node in path],
        }
    return proof


def draw_record(task: InspectionTask) -> dict[str, Any]:
    """The public record of a frozen or drawn task (see the module docstring)."""
    beacons = list(task.beacons.order_by("position").select_related("commitment"))
    record: dict[str, Any] = {
        "algorithm": ALGORITHM,
        "task": task.name,
        "agency": task.agency.name,
        "item": task.plan.item.name,
        "candidates": list(task.candidates),
        "candidate_labels": dict(task.candidate_labels),
        "inspectors": list(task.inspectors),
        "inspector_labels": dict(task.inspector_labels),
        "candidates_sha256": task.candidates_sha256,
        "inspectors_sha256": task.inspectors_sha256,
        "k": task.k,
        "m": task.m,
        "conflicts": {key: list(value) for key, value in task.conflicts.items()},
        "commitments": [
            {"participant": c.participant, "sha256": c.digest}
            for c in task.commitments.order_by("made_at", "pk")
        ],
        "frozen_at": utc_text(task.frozen_at) if task.frozen_at else None,
        "beacon_plan": list(task.beacon_plan),
        "beacons": [b.value for b in beacons],
        "beacon_sources": [
            {
                "value": b.value,
                "source": b.source,
                "published_at": utc_text(b.published_at),
                "entered_at": utc_text(b.entered_at),
                "published_at_text": beijing_text(b.published_at),
                "reveals_commitment_of": b.commitment.participant if b.commitment else None,
            }
            for b in beacons
        ],
        "seed": task.seed or None,
        "targets": list(task.targets),
        # In drawn order (PostgreSQL's jsonb keeps keys in its own order).
        "teams": {target: list(task.teams[target]) for target in task.targets},
        "drawn_at": utc_text(task.drawn_at) if task.drawn_at else None,
        "ledger": {
            "frozen": _proof(task, InspectionEvent.TASK_FROZEN),
            "drawn": _proof(task, InspectionEvent.TASK_DRAWN),
        },
    }
    return record


RESULT_LABELS = {
    InspectionState.PLANNED: "待检查",
    InspectionState.CHECKED: "已现场检查，结果待定",
    InspectionState.NO_VIOLATION: "未发现违法行为",
    InspectionState.VIOLATION_FOUND: "发现违法行为，已立案调查",
}


def result_label(target: DrawnTarget) -> str:
    """The check's result in plain words (a closed check says what it found)."""
    case = target.case
    if case.state in RESULT_LABELS:
        return RESULT_LABELS[InspectionState(case.state)]
    found = any(True for _ in case.follow_ups.all())
    return ("发现违法行为，已立案调查" if found else "未发现违法行为") + "（已结案）"


def drawn_results(task: InspectionTask) -> list[tuple[DrawnTarget, str]]:
    """The drawn targets in order, with their cases and each check's result in words."""
    rows = task.drawn.select_related("case", "target").prefetch_related("case__follow_ups")
    return [(row, result_label(row)) for row in rows.order_by("position")]


@dataclass
class RandomYear:
    """A year's 双随机抽查 of one agency for the 统计年报 (publication timeliness is added by
    the report from ``case_ids``, since publications belong to the disclosure app)."""

    values: dict[str, int | str | None]
    case_ids: list[int]


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "—（名录库无此等级对象）"


def random_year(*, agency_id: int, year: int) -> RandomYear:
    """Tasks drawn in ``year`` (Beijing time), targets drawn, coverage of the 名录库 by risk
    level, checks concluded and violations found."""
    zone = timezone.get_default_timezone()
    start, end = datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)
    tasks = InspectionTask.objects.filter(
        agency_id=agency_id, state=TaskState.DRAWN, drawn_at__gte=start, drawn_at__lt=end
    )
    drawn = list(
        DrawnTarget.objects.filter(task__in=tasks)
        .select_related("target", "case")
        .prefetch_related("case__follow_ups")
    )
    register = Counter(
        InspectionTarget.objects.filter(agency_id=agency_id, is_active=True).values_list(
            "risk_level", flat=True
        )
    )
    picked = Counter(row.target.risk_level for row in drawn)
    concluded = [
        row
        for row in drawn
        if row.case.state not in (InspectionState.PLANNED, InspectionState.CHECKED)
    ]
    found = [row for row in concluded if result_label(row).startswith("发现违法行为")]
    values: dict[str, int | str | None] = {
        "random_tasks": tasks.count(),
        "random_targets": len(drawn),
        "random_coverage_high": _share(picked[RiskLevel.HIGH], register[RiskLevel.HIGH]),
        "random_coverage_medium": _share(picked[RiskLevel.MEDIUM], register[RiskLevel.MEDIUM]),
        "random_coverage_low": _share(picked[RiskLevel.LOW], register[RiskLevel.LOW]),
        "random_concluded": len(concluded),
        "random_found": len(found),
    }
    return RandomYear(values=values, case_ids=[row.case_id for row in drawn])
