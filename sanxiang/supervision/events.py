"""The supervision app's ledger events (see ``sanxiang.ledger.events``)."""

from __future__ import annotations

from sanxiang.ledger.events import Event, builds, record_digest
from sanxiang.ledger.models import LedgerEntry
from sanxiang.supervision.models import Interference

INTERFERENCE = "supervision.interference"


class SupervisionEvent(Event):
    INTERFERENCE_RECORDED = "supervision.interference.recorded", INTERFERENCE


@builds(SupervisionEvent.INTERFERENCE_RECORDED)
def interference_recorded(
    interference: Interference, *, actor: str, log_agency_id: int | None
) -> LedgerEntry:
    """An officer recorded an attempt to interfere in a case. The leaf goes to the log of the
    supervising body (``log_agency_id``), not the case's agency, whose heads must not learn of
    it; it carries only the record's digest."""
    return SupervisionEvent.INTERFERENCE_RECORDED.append(
        interference.pk,
        actor=actor,
        agency_id=log_agency_id,
        content_sha256=record_digest(interference),
    )
