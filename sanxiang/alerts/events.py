"""The 预警 ledger events (see ``sanxiang.ledger.events``): each carries the alert row's digest."""

from __future__ import annotations

from sanxiang.alerts.models import Alert
from sanxiang.ledger.events import Event, builds, record_digest
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.services import SYSTEM


class AlertEvent(Event):
    RAISED = "alerts.alert.raised", "alerts.alert"
    ACKNOWLEDGED = "alerts.alert.acknowledged", "alerts.alert"
    ESCALATED = "alerts.alert.escalated", "alerts.alert"
    RESOLVED = "alerts.alert.resolved", "alerts.alert"


@builds(*AlertEvent)
def alert_event(alert: Alert, event: AlertEvent, *, actor: str = SYSTEM) -> LedgerEntry:
    """An alert raised, acknowledged, escalated or resolved (``actor``: who, or the system)."""
    return event.append(
        alert.pk, actor=actor, agency_id=alert.agency_id, content_sha256=record_digest(alert)
    )
