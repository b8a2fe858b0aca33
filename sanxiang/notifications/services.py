"""Writes of the notifications: sending (called by the triggers, inside the step's
transaction), marking read, and the overdue-publication scan.

Notifications are not ledger events (docs/architecture.md, 站内通知): they repeat what the
ledgered step already says, to the people it concerns; marking one read changes nothing a law
asks about."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from sanxiang.cases.models import Case
from sanxiang.errors import DomainError
from sanxiang.notifications.models import Notification
from sanxiang.notifications.overdue import overdue_publications
from sanxiang.notifications.texts import Message
from sanxiang.org.models import Officer

logger = logging.getLogger(__name__)


class NotificationNotFound(DomainError):
    """No such notification of this officer (another officer's is answered the same way)."""

    def __init__(self, notification_id: object) -> None:
        super().__init__(
            "未找到该通知。", log_message=f"notification {notification_id!r} not found for officer"
        )


def notifications_send(
    *, case: Case, actor: Officer | None, message: Message, recipients: Iterable[Officer]
) -> list[Notification]:
    """One notification per recipient on duty, never to ``actor`` (nobody is told of his own
    step); with a ``key``, never twice to the same person (repeated scans)."""
    seen: set[int] = set()
    rows = []
    for officer in recipients:
        if officer.pk in seen or not officer.is_active:
            continue
        if actor is not None and officer.pk == actor.pk:
            continue
        seen.add(officer.pk)
        rows.append(
            Notification(
                recipient=officer,
                agency_id=case.agency_id,
                case=case,
                kind=message.kind,
                text=message.text[:300],
                key=message.key,
            )
        )
    if message.key and rows:
        done = set(
            Notification.objects.filter(
                key=message.key, recipient_id__in=[row.recipient_id for row in rows]
            ).values_list("recipient_id", flat=True)
        )
        rows = [row for row in rows if row.recipient_id not in done]
        # A scan running at the same time loses the race quietly (the unique constraint).
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
    elif rows:
        Notification.objects.bulk_create(rows)
    return rows


def notification_read(*, officer: Officer, notification_id: object) -> Notification:
    """标为已读: only the officer's own notification; another's id is not found."""
    try:
        pk = int(str(notification_id))
    except ValueError:
        raise NotificationNotFound(notification_id) from None
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().filter(pk=pk, recipient=officer).first()
        )
        if notification is None:
            raise NotificationNotFound(notification_id)
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
    return notification


def notifications_read_all(*, officer: Officer) -> int:
    """全部标为已读: the officer's unread notifications; returns how many were marked."""
    with transaction.atomic():
        return Notification.objects.filter(recipient=officer, read_at__isnull=True).update(
            read_at=timezone.now()
        )


def notifications_scan(*, today: date) -> int:
    """Notify the handlers and the 负责人 of each publication that became overdue (not
    published by its due date, or not withdrawn by the date its withdrawal was due).

    Idempotent: each overdue event has a key (the record, what is late, the date it was due),
    so a second run — or one running at the same time — notifies nobody twice, while a new due
    date (e.g. after a withdrawal becomes due) is a new event. Returns how many were sent."""
    sent = 0
    for case, message, recipients in overdue_publications(today):
        with transaction.atomic():
            sent += len(
                notifications_send(case=case, actor=None, message=message, recipients=recipients)
            )
    logger.info("notifications scan on %s: %s sent", today, sent)
    return sent
