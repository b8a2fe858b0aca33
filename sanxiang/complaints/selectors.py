"""Reads of 投诉举报: an officer's list, one complaint, the figures, and what the public sees."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from sanxiang.complaints.access import ComplaintAction, visible_to
from sanxiang.complaints.models import (
    AWAITING_DECISION,
    IN_HAND,
    Complaint,
    ComplaintAccess,
    ComplaintKind,
    ComplaintStep,
    Status,
)
from sanxiang.org.models import Officer


def complaints_for(officer: Officer, *, status: str = "") -> QuerySet[Complaint]:
    """The complaints ``officer`` may see (``status``: one status, or ``open``), newest first."""
    rows = visible_to(officer, ComplaintAction.VIEW).select_related("category")
    if status == "open":
        rows = rows.filter(status__in=AWAITING_DECISION + IN_HAND)
    elif status in Status.values:
        rows = rows.filter(status=status)
    return rows.order_by("-registered_at", "-pk")


def by_due(rows: list[Complaint]) -> list[Complaint]:
    """Open complaints first, the earliest due first; then the others, newest first."""
    return sorted(rows, key=lambda c: (c.due is None, c.due or date.min))


def complaint_for(officer: Officer, complaint_id: int) -> Complaint | None:
    return (
        visible_to(officer, ComplaintAction.VIEW)
        .select_related("category", "case", "agency")
        .prefetch_related("attachments__blob")
        .filter(pk=complaint_id)
        .first()
    )


def history_of(complaint: Complaint) -> list[ComplaintStep]:
    """The steps taken at any agency (a transferred complaint keeps its earlier steps)."""
    return list(complaint.steps.select_related("officer", "agency").order_by("at", "pk"))


def accesses_of(complaint: Complaint) -> list[ComplaintAccess]:
    """The latest reads of the complaint (its 调阅记录), for its agency's 负责人."""
    return list(complaint.accesses.select_related("officer", "attachment")[:50])


def may(officer: Officer, complaint: Complaint, action: ComplaintAction) -> bool:
    return visible_to(officer, action).filter(pk=complaint.pk).exists()


def overdue_for(officer: Officer, today: date | None = None) -> QuerySet[Complaint]:
    """Open complaints whose next step is overdue (the 工作台 counts them)."""
    today = today or timezone.localdate()
    return visible_to(officer, ComplaintAction.VIEW).filter(
        Q(status__in=AWAITING_DECISION, accept_due__lt=today)
        | Q(status__in=IN_HAND, reply_due__lt=today)
    )


def due_count_for(officer: Officer, today: date | None = None) -> int:
    """How many ``overdue_for`` holds (one query)."""
    return overdue_for(officer, today).count()


@dataclass(frozen=True)
class Figures:
    total: int
    by_kind: list[tuple[str, int]]
    by_status: list[tuple[str, int]]
    decided_on_time: int
    decided_late: int
    replied_on_time: int
    replied_late: int
    overdue_now: int
    for_supervisor: int


def figures_for(officer: Officer, *, year: int) -> Figures:
    """Counts of the complaints registered in ``year`` that ``officer`` may see: by kind, by
    status, and whether each decision and reply came by its due date."""
    today = timezone.localdate()
    rows = list(
        visible_to(officer, ComplaintAction.VIEW)
        .filter(registered_at__year=year)
        .values_list(
            "kind",
            "status",
            "decided_on",
            "accept_due",
            "replied_on",
            "reply_due",
            "for_supervisor",
        )
    )
    kinds: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    decided = [0, 0]
    replied = [0, 0]
    overdue = supervisor = 0
    for kind, status, decided_on, accept_due, replied_on, reply_due, for_sup in rows:
        kinds[kind] += 1
        statuses[status] += 1
        supervisor += bool(for_sup)
        if decided_on is not None:
            decided[decided_on > accept_due] += 1
        if replied_on is not None and reply_due is not None:
            replied[replied_on > reply_due] += 1
        if (status in AWAITING_DECISION and accept_due < today) or (
            status in IN_HAND and reply_due is not None and reply_due < today
        ):
            overdue += 1
    return Figures(
        total=len(rows),
        by_kind=[(label, kinds[value]) for value, label in ComplaintKind.choices],
        by_status=[(label, statuses[value]) for value, label in Status.choices],
        decided_on_time=decided[0],
        decided_late=decided[1],
        replied_on_time=replied[0],
        replied_late=replied[1],
        overdue_now=overdue,
        for_supervisor=supervisor,
    )


# --- what the complainant sees -----------------------------------------------------------------


@dataclass(frozen=True)
class PublicStep:
    at: datetime
    status: str
    agency: str
    note: str


@dataclass(frozen=True)
class PublicComplaint:
    """What the tracking page shows: the complaint's course, never its text, name or contact,
    nor who in the agency acted."""

    code: str
    kind: str
    agency: str
    registered_at: datetime
    status: str
    due: date | None
    due_label: str
    answer: str
    answer_is_refusal: bool
    steps: list[PublicStep]


# Step notes the complainant reads in the history: where it was transferred and why (the
# refusal's reasons and the reply are shown once, above it); internal notes stay internal.
_PUBLIC_NOTES = (Status.TRANSFERRED,)


def complaint_public(complaint: Complaint) -> PublicComplaint:
    steps = [
        PublicStep(
            at=step.at,
            status=step.get_to_status_display(),
            agency=step.agency.name,
            note=step.note if step.to_status in _PUBLIC_NOTES else "",
        )
        for step in complaint.steps.select_related("agency").order_by("at", "pk")
    ]
    return PublicComplaint(
        code=complaint.code,
        kind=complaint.get_kind_display(),
        agency=complaint.agency.name,
        registered_at=complaint.registered_at,
        status=complaint.get_status_display(),
        due=complaint.due,
        due_label="答复期限" if complaint.status in IN_HAND else "受理决定期限",
        answer=complaint.answer,
        answer_is_refusal=complaint.status == Status.REFUSED,
        steps=steps,
    )
