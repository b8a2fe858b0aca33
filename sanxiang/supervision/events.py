"""The supervision app's ledger events (see ``sanxiang.ledger.events``)."""

from __future__ import annotations

from sanxiang.ledger.events import Event, builds, record_digest
from sanxiang.ledger.models import LedgerEntry
from sanxiang.supervision.models import IndicatorScore, Interference
from sanxiang.supervision.reporting_models import Submission

INTERFERENCE = "supervision.interference"
INDICATOR_SCORE = "supervision.indicatorscore"
SUBMISSION = "supervision.submission"


class SupervisionEvent(Event):
    INTERFERENCE_RECORDED = "supervision.interference.recorded", INTERFERENCE
    INDICATOR_SCORED = "supervision.indicatorscore.scored", INDICATOR_SCORE
    SUBMITTED = "supervision.submission.submitted", SUBMISSION
    SUBMISSION_ACKNOWLEDGED = "supervision.submission.acknowledged", SUBMISSION
    SUBMISSION_RETURNED = "supervision.submission.returned", SUBMISSION


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


@builds(
    SupervisionEvent.SUBMITTED,
    SupervisionEvent.SUBMISSION_ACKNOWLEDGED,
    SupervisionEvent.SUBMISSION_RETURNED,
)
def submission_recorded(
    submission: Submission, event: SupervisionEvent, *, actor: str
) -> LedgerEntry:
    """An agency's 负责人 submitted (报送) its annual report or self-assessment to a body, or the
    body acknowledged or returned it. The leaf goes to the agency's log and carries the row's
    digest, which includes the SHA-256 of what was submitted."""
    return event.append(
        submission.pk,
        actor=actor,
        agency_id=submission.agency_id,
        content_sha256=record_digest(submission),
    )
