"""What ``sanxiang ledger verify`` checks of the archive events: the package row still says what
its ``archive.package.sealed`` event recorded, and the stored package still hashes to it."""

from __future__ import annotations

from typing import Any

from sanxiang.archive.events import PACKAGE, ArchiveEvent
from sanxiang.archive.models import CaseArchive
from sanxiang.evidence.storage import blob_name, blob_problem
from sanxiang.ledger.content import batch_key, register_event_check
from sanxiang.ledger.events import content_digest


def _archives(entries: list[Any]) -> dict[str, CaseArchive]:
    ids = {int(entry.object_id) for entry in entries}
    return {str(a.pk): a for a in CaseArchive.objects.filter(pk__in=ids)}


def _check(entry: Any, cache: dict[Any, Any]) -> str | None:
    batch = cache.get(batch_key(PACKAGE))
    if batch is not None:
        archive = batch.get(entry.object_id)
    else:
        archive = CaseArchive.objects.filter(pk=int(entry.object_id)).first()
    if archive is None:
        return f"archive package {entry.object_id} of event {entry.sequence} no longer exists"
    if entry.action == ArchiveEvent.SEALED:
        if entry.content_sha256 != archive.package_sha256:
            return f"archive package {archive.pk}: the row names another package than its event"
        key = ("blob", archive.package_sha256)
        if key not in cache:
            cache[key] = blob_problem(blob_name(archive.package_sha256), archive.package_sha256)
        problem: str | None = cache[key]
        return problem
    expected = content_digest({"archive": archive.pk, "sha256": archive.package_sha256})
    if entry.content_sha256 != expected:
        return (
            f"archive package {archive.pk}: download event {entry.sequence} names another package"
        )
    return None


def register_archive_checks() -> None:
    register_event_check(PACKAGE, _check, prefetch=_archives)
