"""The evidence app's ledger events and their builders (see ``sanxiang.ledger.events``).

Events about a version's metadata carry ``metadata_sha256`` (which covers the file's SHA-256
too); looks, hand-overs and exports carry the file's SHA-256. ``sanxiang ledger verify``
recomputes them with the same functions (``evidence.storage.register_evidence_checks``).
"""

from __future__ import annotations

from typing import Any

from sanxiang.evidence.digest import metadata_digest
from sanxiang.evidence.models import AccessAction, EvidenceItem, Target
from sanxiang.ledger.events import Event, builds
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.services import leaf_time

ITEM = "evidence.evidenceitem"


class EvidenceEvent(Event):
    TARGET_CREATED = "evidence.target.created", "evidence.target"
    CREATED = "evidence.created", ITEM
    CORRECTED = "evidence.corrected", ITEM
    HANDED_OVER = "evidence.handed_over", ITEM
    VIEWED = "evidence.viewed", ITEM
    DOWNLOADED = "evidence.downloaded", ITEM
    EXPORTED = "evidence.exported", ITEM
    LISTED = "evidence.listed", ITEM


ACCESS_EVENT = {
    AccessAction.VIEW: EvidenceEvent.VIEWED,
    AccessAction.DOWNLOAD: EvidenceEvent.DOWNLOADED,
    AccessAction.EXPORT: EvidenceEvent.EXPORTED,
    AccessAction.LIST: EvidenceEvent.LISTED,
}


def metadata_fields(item: EvidenceItem) -> dict[str, Any]:
    """A version's metadata as plain values, as hashed into the ledger and written to archives."""
    return {
        "id": item.pk,
        "record_id": item.record_id,
        "version": item.version,
        "supersedes": item.supersedes_id,
        "case_number": item.case_number,
        "target": item.target_id,
        "kind": item.kind,
        "collected_at": leaf_time(item.collected_at),
        "location": item.location,
        "collector": item.collector_id,
        "proves": item.proves,
        "device": item.device,
        "description": item.description,
        "blob": item.blob_id,
    }


def metadata_sha256(item: EvidenceItem) -> str:
    """What ``evidence.created``/``evidence.corrected`` events carry for this version."""
    return metadata_digest(metadata_fields(item))


@builds(EvidenceEvent.TARGET_CREATED)
def target_created(target: Target, *, actor: str, agency_id: int) -> LedgerEntry:
    return EvidenceEvent.TARGET_CREATED.append(target.pk, actor=actor, agency_id=agency_id)


@builds(EvidenceEvent.CREATED, EvidenceEvent.CORRECTED)
def evidence_stored(item: EvidenceItem, *, actor: str) -> LedgerEntry:
    """A version registered: the first (``evidence.created``) or a correction."""
    event = EvidenceEvent.CORRECTED if item.supersedes_id else EvidenceEvent.CREATED
    return event.append(
        item.pk, actor=actor, agency_id=item.agency_id, content_sha256=metadata_sha256(item)
    )


@builds(EvidenceEvent.HANDED_OVER, *ACCESS_EVENT.values())
def evidence_file_event(item: EvidenceItem, event: EvidenceEvent, *, actor: str) -> LedgerEntry:
    """The record handed over, or looked at, downloaded, exported or listed."""
    if event not in (EvidenceEvent.HANDED_OVER, *ACCESS_EVENT.values()):
        raise ValueError(f"{event} is not about the record's file")
    return event.append(item.pk, actor=actor, agency_id=item.agency_id, content_sha256=item.blob_id)
