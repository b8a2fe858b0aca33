"""The complaints app's ledger events and their builders (see ``sanxiang.ledger.events``).

Each step's event carries the digest of the complaint's row after the step and of the step's
note (the refusal's reasons, the reply, the agency transferred to), so the log vouches for
what the complainant is told. The public submission's actor names the complaint, not a person.
"""

from __future__ import annotations

from sanxiang.complaints.models import Complaint
from sanxiang.ledger.events import Event, builds, content_digest, record_digest
from sanxiang.ledger.models import LedgerEntry


class ComplaintEvent(Event):
    REGISTERED = "complaints.complaint.registered", "complaints.complaint"
    ACCEPTED = "complaints.complaint.accepted", "complaints.complaint"
    REFUSED = "complaints.complaint.refused", "complaints.complaint"
    HANDLING = "complaints.complaint.handling", "complaints.complaint"
    REPLIED = "complaints.complaint.replied", "complaints.complaint"
    TRANSFERRED = "complaints.complaint.transferred", "complaints.complaint"
    CASE_OPENED = "complaints.complaint.case_opened", "complaints.complaint"


def public_actor(complaint: Complaint) -> str:
    """The ledger actor of a public submission: the complaint itself, no personal data."""
    return f"public:complaint:{complaint.pk}"


def step_digest(complaint: Complaint, note: str) -> str:
    return content_digest({"complaint": record_digest(complaint), "note": note})


@builds(
    ComplaintEvent.REGISTERED,
    ComplaintEvent.ACCEPTED,
    ComplaintEvent.REFUSED,
    ComplaintEvent.HANDLING,
    ComplaintEvent.REPLIED,
    ComplaintEvent.TRANSFERRED,
    ComplaintEvent.CASE_OPENED,
)
def complaint_recorded(
    event: ComplaintEvent, complaint: Complaint, *, actor: str, note: str = ""
) -> LedgerEntry:
    """A step of ``complaint`` (its row as saved after the step), in its agency's log."""
    return event.append(
        complaint.pk,
        actor=actor,
        agency_id=complaint.agency_id,
        content_sha256=step_digest(complaint, note),
    )
