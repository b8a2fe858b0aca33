"""The acts app's ledger events and their builders (see ``sanxiang.ledger.events``).

A recorded act carries the digest of its row as saved (``record_digest``), so a field changed
behind the services' back no longer matches the log; the end of a permit (撤销, 注销) is an
event about the original naming the record that ended it; an imported file is one more event
carrying the file's SHA-256.
"""

from __future__ import annotations

from sanxiang.acts.models import OtherAct, Permit
from sanxiang.ledger.events import Event, builds, content_digest, record_digest
from sanxiang.ledger.models import LedgerEntry
from sanxiang.org.models import Agency


class ActEvent(Event):
    PERMIT_RECORDED = "acts.permit.recorded", "acts.permit"
    PERMIT_ENDED = "acts.permit.ended", "acts.permit"
    ACT_RECORDED = "acts.act.recorded", "acts.otheract"
    PERMITS_IMPORTED = "acts.permits.imported", "org.agency"


@builds(ActEvent.PERMIT_RECORDED)
def permit_recorded(permit: Permit, *, actor: str) -> LedgerEntry:
    return ActEvent.PERMIT_RECORDED.append(
        permit.pk, actor=actor, agency_id=permit.agency_id, content_sha256=record_digest(permit)
    )


@builds(ActEvent.PERMIT_ENDED)
def permit_ended(original: Permit, *, by: Permit, actor: str) -> LedgerEntry:
    """The original's public standing changed because ``by`` revoked or cancelled it."""
    return ActEvent.PERMIT_ENDED.append(
        original.pk,
        actor=actor,
        agency_id=original.agency_id,
        content_sha256=content_digest({"standing": original.standing, "by": by.pk}),
    )


@builds(ActEvent.ACT_RECORDED)
def act_recorded(act: OtherAct, *, actor: str) -> LedgerEntry:
    return ActEvent.ACT_RECORDED.append(
        act.pk, actor=actor, agency_id=act.agency_id, content_sha256=record_digest(act)
    )


@builds(ActEvent.PERMITS_IMPORTED)
def permits_imported(agency: Agency, *, actor: str, file_sha256: str) -> LedgerEntry:
    """A permit file imported into ``agency`` (one event per file, besides each permit's)."""
    return ActEvent.PERMITS_IMPORTED.append(
        agency.pk, actor=actor, agency_id=agency.pk, content_sha256=file_sha256
    )
