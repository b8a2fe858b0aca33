"""工作台: what waits for an officer across the apps, read through each app's selectors.

The office shell sits above the domain apps, so it may read them all; each list comes from the
app that owns it (``cases.selectors.waiting_for`` asks the procedure declarations and the
engine which steps are this officer's now)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

from sanxiang.cases.selectors import Waiting, due_counts, due_for, waiting_for
from sanxiang.complaints.selectors import overdue_for as complaints_overdue
from sanxiang.core.counting import counts_together
from sanxiang.core.selectors import get_calendar
from sanxiang.disclosure.models import Publication, PublicationStatus
from sanxiang.disclosure.selectors import overdue_for, publications_for
from sanxiang.evaluation.selectors import findings_waiting
from sanxiang.notifications.models import Notification
from sanxiang.notifications.selectors import notifications_for, unread_counted
from sanxiang.org.models import Officer
from sanxiang.review.models import Review
from sanxiang.review.selectors import queue_for
from sanxiang.supervision.opinions.models import Opinion
from sanxiang.supervision.opinions.selectors import to_do_for as opinions_to_do
from sanxiang.supervision.reporting import reporting_to_do
from sanxiang.supervision.reporting_rules import Standing


@dataclass(frozen=True)
class Desk:
    waiting: list[Waiting]
    reviews: list[Review]
    to_publish: list[Publication]
    publications_overdue: list[Publication]
    # The 期限 rows: only what the desk shows of each case (``DUE_ROW``), no model instances.
    overdue: list[dict[str, Any]]
    due_soon: list[dict[str, Any]]
    # How many there are in all: the lists show the ``SHOWN`` most urgent of them.
    overdue_total: int
    due_soon_total: int
    notifications: list[Notification]
    unread: int
    # 投诉举报 whose acceptance decision or reply is overdue (one count; the list is its page).
    complaints_overdue: int = 0
    # 执法监督意见: those his agency must answer (负责人), or answers to review (监督人员).
    opinions: tuple[Opinion, ...] = ()
    # 案卷评查 findings on the 负责人's agency not yet answered (整改情况; the list is its page).
    evaluation_findings: int = 0
    # 报送: last year's annual report and self-assessment the 负责人's agency has yet to submit.
    reporting: tuple[Standing, ...] = ()

    @property
    def shown(self) -> int:
        """How many rows each list shows at most."""
        return SHOWN

    @property
    def count(self) -> int:
        """Everything on the desk that needs this officer, unread notifications included."""
        return (
            len(self.waiting) + len(self.reviews) + len(self.to_publish)
            + len(self.publications_overdue) + self.overdue_total + self.unread
            + self.complaints_overdue + len(self.opinions) + self.evaluation_findings
            + len(self.reporting)
        )  # fmt: skip


# Each list shows the most urgent; the full lists are on their own pages (期限: 我的案件, in
# the order of their due dates), and the desk says how many there are in all.
SHOWN = 20
# Read notifications the desk still shows below the unread ones: the latest few, so that what
# was just opened is still there, but never a screen of old news above the cases waiting.
READ_SHOWN = 3
# What the 期限 lists show of a case: its link, number, title, due date and its basis.
DUE_ROW = ("pk", "number", "title", "step_due_on", "step_due_basis")


def desk_for(officer: Officer, today: date) -> Desk:
    calendar = get_calendar()
    overdue, due_soon = due_for(officer, today, calendar)
    overdue_total, due_soon_total = due_counts(officer, today, calendar)
    unread, complaints, findings = counts_together(
        unread_counted(officer), complaints_overdue(officer, today), findings_waiting(officer)
    )
    return Desk(
        waiting=waiting_for(officer, today, calendar, enough=SHOWN),
        reviews=list(queue_for(officer).select_related(None).select_related("case")[:SHOWN]),
        to_publish=list(
            _desk_rows(publications_for(officer).filter(status=PublicationStatus.PENDING))
        ),
        publications_overdue=list(_desk_rows(overdue_for(officer))),
        overdue=list(overdue.values(*DUE_ROW)[:SHOWN]),
        due_soon=list(due_soon.values(*DUE_ROW)[:SHOWN]),
        overdue_total=overdue_total,
        due_soon_total=due_soon_total,
        notifications=_unread_then_latest_read(list(notifications_for(officer)[:SHOWN])),
        unread=unread,
        complaints_overdue=complaints,
        opinions=tuple(opinions_to_do(officer)[:SHOWN]),
        evaluation_findings=findings,
        reporting=tuple(reporting_to_do(officer, today)),
    )


def _unread_then_latest_read(notifications: list[Notification]) -> list[Notification]:
    """Of the notifications in desk order (unread first), the unread ones and the first
    ``READ_SHOWN`` read ones; the full list (全部通知) has the rest."""
    unread = [n for n in notifications if n.read_at is None]
    return unread + [n for n in notifications if n.read_at is not None][:READ_SHOWN]


def _desk_rows(publications: QuerySet[Publication]) -> QuerySet[Publication]:
    """The most urgent ``SHOWN`` of ``publications`` as the desk lists them: a record's title,
    status and due date. Not its case and agency, which the full list joins, nor its long texts
    (the published content, its fields and search tokens), read for every row otherwise."""
    heavy = ("fields", "public_text", "search_tokens", "withdrawal_statement")
    return publications.select_related(None).defer(*heavy)[:SHOWN]


def urgent_count(officer: Officer, today: date) -> int:
    """Overdue case steps, reviews waiting for the officer, overdue publications and unread
    notifications: four counts in one query, cheap enough for every office page's navigation.
    (Overdue 投诉举报 are counted on the desk itself, not in this badge.)"""
    overdue, _ = due_for(officer, today, get_calendar())
    return sum(
        counts_together(overdue, queue_for(officer), overdue_for(officer), unread_counted(officer))
    )
