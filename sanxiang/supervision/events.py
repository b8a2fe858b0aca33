"""The supervision app's ledger events (see ``sanxiang.ledger.events``)."""

from __future__ import annotations

from sanxiang.ledger.events import Event, builds, record_digest
from sanxiang.ledger.models import LedgerEntry
from sanxiang.supervision.models import IndicatorScore, Interference

INTERFERENCE = "supervision.interference"
INDICATOR_SCORE = "supervision.indicatorscore"


class SupervisionEvent(Event):
    INTERFERENCE_RECORDED = "supervision.interference.recorded", INTERFERENCE
    INDICATOR_SCORED = "supervision.indicatorscore.scored", INDICATOR_SCORE


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


@builds(SupervisionEvent.INDICATOR_SCORED)
def indicator_scored(score: IndicatorScore, *, actor: str) -> LedgerEntry:
    """A 监督人员 scored an agency on one indicator of the 指标体系 for a year (a manual item, or
    an override of a computed one), with his reason. The leaf goes to the supervising body's
    log and carries the row's digest."""
    return SupervisionEvent.INDICATOR_SCORED.append(
        score.pk,
        actor=actor,
        agency_id=score.log_agency_id,
        content_sha256=record_digest(score),
    )
