"""The supervision app's ledger events (see ``sanxiang.ledger.events``)."""

from __future__ import annotations

from sanxiang.ledger.events import Event, builds, record_digest
from sanxiang.ledger.models import LedgerEntry
from sanxiang.supervision.models import (
    Applicability,
    Attestation,
    AttestationReview,
    IndicatorScore,
    Interference,
)
from sanxiang.supervision.reporting_models import Submission

INTERFERENCE = "supervision.interference"
INDICATOR_SCORE = "supervision.indicatorscore"
SUBMISSION = "supervision.submission"
ATTESTATION = "supervision.attestation"
ATTESTATION_REVIEW = "supervision.attestationreview"
APPLICABILITY = "supervision.applicability"


class SupervisionEvent(Event):
    INTERFERENCE_RECORDED = "supervision.interference.recorded", INTERFERENCE
    INDICATOR_SCORED = "supervision.indicatorscore.scored", INDICATOR_SCORE
    SUBMITTED = "supervision.submission.submitted", SUBMISSION
    SUBMISSION_ACKNOWLEDGED = "supervision.submission.acknowledged", SUBMISSION
    SUBMISSION_RETURNED = "supervision.submission.returned", SUBMISSION
    ATTESTATION_FILED = "supervision.attestation.filed", ATTESTATION
    ATTESTATION_CONFIRMED = "supervision.attestationreview.confirmed", ATTESTATION_REVIEW
    ATTESTATION_RETURNED = "supervision.attestationreview.returned", ATTESTATION_REVIEW
    MARKED_NOT_APPLICABLE = "supervision.applicability.not_applicable", APPLICABILITY
    MARKED_APPLICABLE = "supervision.applicability.applicable", APPLICABILITY


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


@builds(SupervisionEvent.ATTESTATION_FILED)
def attestation_filed(attestation: Attestation, *, actor: str) -> LedgerEntry:
    """The agency's 负责人 filed the document and statement showing it meets an ``attest``
    item for a year. The leaf goes to the agency's own log."""
    return SupervisionEvent.ATTESTATION_FILED.append(
        attestation.pk,
        actor=actor,
        agency_id=attestation.agency_id,
        content_sha256=record_digest(attestation),
    )


@builds(SupervisionEvent.ATTESTATION_CONFIRMED, SupervisionEvent.ATTESTATION_RETURNED)
def attestation_reviewed(review: AttestationReview, *, actor: str) -> LedgerEntry:
    """The 监督人员 confirmed the attestation with a score, or returned it with the reason. The
    leaf goes to the supervising body's log."""
    event = (
        SupervisionEvent.ATTESTATION_CONFIRMED
        if review.outcome == "confirmed"
        else SupervisionEvent.ATTESTATION_RETURNED
    )
    return event.append(
        review.pk,
        actor=actor,
        agency_id=review.log_agency_id,
        content_sha256=record_digest(review),
    )


@builds(SupervisionEvent.MARKED_NOT_APPLICABLE, SupervisionEvent.MARKED_APPLICABLE)
def applicability_marked(mark: Applicability, *, actor: str) -> LedgerEntry:
    """The 监督人员 marked an item not applicable to an agency for a year, or applicable again,
    with the reason. The leaf goes to the supervising body's log."""
    event = (
        SupervisionEvent.MARKED_APPLICABLE
        if mark.applicable
        else SupervisionEvent.MARKED_NOT_APPLICABLE
    )
    return event.append(
        mark.pk, actor=actor, agency_id=mark.log_agency_id, content_sha256=record_digest(mark)
    )
