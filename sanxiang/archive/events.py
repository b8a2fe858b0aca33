"""The archive app's ledger events and their builders (see ``sanxiang.ledger.events``).

``archive.package.sealed`` carries the package's SHA-256 itself as its content digest: whoever
holds a package checks it against the event with ``sha256sum`` (and the event's inclusion proof
on the portal), without any other recipe.
"""

from __future__ import annotations

from sanxiang.archive.models import CaseArchive
from sanxiang.ledger.events import Event, builds, content_digest
from sanxiang.ledger.models import LedgerEntry

PACKAGE = "archive.casearchive"


class ArchiveEvent(Event):
    SEALED = "archive.package.sealed", PACKAGE
    DOWNLOADED = "archive.package.downloaded", PACKAGE


@builds(ArchiveEvent.SEALED)
def package_sealed(archive: CaseArchive, actor: str) -> LedgerEntry:
    """The 归档 step sealed the case's package (in the step's transaction)."""
    return ArchiveEvent.SEALED.append(
        archive.pk, actor=actor, agency_id=archive.agency_id, content_sha256=archive.package_sha256
    )


@builds(ArchiveEvent.DOWNLOADED)
def package_downloaded(archive: CaseArchive, actor: str) -> LedgerEntry:
    """An officer downloaded the package (the access row is written beside it)."""
    return ArchiveEvent.DOWNLOADED.append(
        archive.pk,
        actor=actor,
        agency_id=archive.agency_id,
        content_sha256=content_digest({"archive": archive.pk, "sha256": archive.package_sha256}),
    )
