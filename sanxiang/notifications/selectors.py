"""Reads of the notifications: an officer's own, and only about cases he may still see."""

from __future__ import annotations

from django.db.models import F, QuerySet

from sanxiang.cases.access import CaseAction
from sanxiang.cases.models import Case
from sanxiang.notifications.models import Notification
from sanxiang.org.models import Officer


def notifications_for(officer: Officer) -> QuerySet[Notification]:
    """The officer's notifications, unread first (newest first), then the read ones.

    The access gate applies when reading, not only when sending: an officer moved to another
    unit or taken off duty no longer sees the notifications of cases he may not open."""
    visible = Case.objects.visible_to(officer, CaseAction.VIEW).values("pk")
    return Notification.objects.filter(recipient=officer, case_id__in=visible).order_by(
        F("read_at").desc(nulls_first=True), "-created_at", "-pk"
    )


# The badge counts at most this many unread notifications (and the desk says "100+"): an
# officer who never reads them must not make every office page count thousands of rows.
UNREAD_COUNTED = 100


def unread_counted(officer: Officer) -> QuerySet[Notification]:
    """The unread notifications ``unread_count`` counts: at most ``UNREAD_COUNTED`` of them
    (for pages that count it together with other lists, ``core.counting``)."""
    unread = notifications_for(officer).filter(read_at__isnull=True)
    return unread.order_by()[:UNREAD_COUNTED]


def unread_count(officer: Officer) -> int:
    """One COUNT query over at most ``UNREAD_COUNTED`` rows (the navigation's badge asks it on
    every office page)."""
    return unread_counted(officer).count()
