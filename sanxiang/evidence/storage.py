"""Content-addressed blob storage through Django's storage API (local folder or S3).

Blobs are named by their SHA-256 (``sha256/ab/cd/abcd…``), so the same bytes are stored once.
Reading and writing go in 1 MiB chunks; memory stays flat for a multi-gigabyte video.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Protocol

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages

from sanxiang.core.scratch import EVIDENCE_PARTIAL_DIR
from sanxiang.ledger.content import batch_key, register_event_check

CHUNK = 1024 * 1024
logger = logging.getLogger(__name__)


class _Hash(Protocol):
    def update(self, data: bytes, /) -> None: ...
    def hexdigest(self) -> str: ...


class _CryptographySM3:
    """SM3 through ``cryptography`` where OpenSSL's hashlib lacks it (e.g. FIPS builds)."""

    def __init__(self) -> None:
        from cryptography.hazmat.primitives import hashes

        self._hash = hashes.Hash(hashes.SM3())

    def update(self, data: bytes, /) -> None:
        self._hash.update(data)

    def hexdigest(self) -> str:
        return self._hash.finalize().hex()


def new_sm3() -> _Hash:
    """An SM3 hasher (GB/T 32905-2016)."""
    if "sm3" in hashlib.algorithms_available:
        return hashlib.new("sm3")
    return _CryptographySM3()


class Digests:
    """SHA-256 and SM3 of a stream, fed chunk by chunk."""

    def __init__(self) -> None:
        self._sha256 = hashlib.sha256()
        self._sm3 = new_sm3()
        self.size = 0

    def update(self, chunk: bytes) -> None:
        self._sha256.update(chunk)
        self._sm3.update(chunk)
        self.size += len(chunk)

    @property
    def sha256(self) -> str:
        return self._sha256.hexdigest()

    @property
    def sm3(self) -> str:
        return self._sm3.hexdigest()


def chunks(handle: IO[bytes]) -> Iterator[bytes]:
    while True:
        chunk = handle.read(CHUNK)
        if not chunk:
            return
        yield chunk


def digest_stream(handle: IO[bytes]) -> Digests:
    digests = Digests()
    for chunk in chunks(handle):
        digests.update(chunk)
    return digests


def evidence_storage() -> Storage:
    return storages["evidence"]


def blob_name(sha256: str) -> str:
    return f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def store_blob(handle: IO[bytes], sha256: str) -> tuple[str, bool]:
    """Store the stream under its address; ``(name, created)``.

    A blob already at the address is reused only if it is whole: the right size and, on a
    local store, the right SHA-256. A truncated or altered one (left by a crash, say) is
    replaced by these bytes, and the replacement is logged.
    """
    storage = evidence_storage()
    name = blob_name(sha256)
    size = handle.seek(0, os.SEEK_END)
    if storage.exists(name):
        problem = _existing_blob_problem(storage, name, sha256, size)
        if problem is None:
            return name, False
        logger.warning("replacing the stored blob %s: %s", sha256, problem)
        if not isinstance(storage, FileSystemStorage):
            storage.delete(name)
    handle.seek(0)
    if isinstance(storage, FileSystemStorage):
        _write_atomically(storage, name, handle)
        return name, True
    saved = storage.save(name, File(handle, name=name))
    if saved != name:  # another upload of the same bytes won the race: keep one copy
        storage.delete(saved)
        return name, False
    return name, True


def store_in_place(handle: IO[bytes], sha256: str) -> tuple[str, bool]:
    """Store a whole, synced scratch file as the blob ``sha256``; ``(name, created)``.

    A file already inside the local store's ``.partial`` tree (a finished resumable upload) is
    hard-linked into place, not copied, so a 4 GB recording is not read again. The scratch
    file stays where it is: if the registration then fails (a database error) and removes the
    blob, the upload can still be finished by a retry; the caller removes the scratch file once
    the registration is committed. Anything else goes through :func:`store_blob`.
    """
    storage = evidence_storage()
    path = Path(getattr(handle, "name", "") or ".")
    partial_dir = Path(getattr(storage, "location", "")) / EVIDENCE_PARTIAL_DIR
    if not isinstance(storage, FileSystemStorage) or partial_dir not in path.parents:
        return store_blob(handle, sha256)
    name = blob_name(sha256)
    final = Path(storage.path(name))
    size = handle.seek(0, os.SEEK_END)
    if final.exists():
        problem = _existing_blob_problem(storage, name, sha256, size)
        if problem is None:
            return name, False
        logger.warning("replacing the stored blob %s: %s", sha256, problem)
    final.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o600)
    # Linked first under a temporary name in .partial (whose leftovers the start-up clean-up
    # removes), then renamed over the blob's name: the blob appears whole or not at all.
    link = partial_dir / f"{sha256}.{secrets.token_hex(8)}.link"
    try:
        os.link(path, link)
    except OSError as exc:  # no hard links here (another mount, a file system without them)
        logger.warning("cannot hard-link %s into the store (%s): copying it", path, exc)
        return store_blob(handle, sha256)
    os.replace(link, final)
    _fsync_dir(final.parent)
    return name, True


def _existing_blob_problem(storage: Storage, name: str, sha256: str, size: int) -> str | None:
    """Why the blob at ``name`` cannot be trusted to hold these bytes (English), or None.

    An object store writes an object whole or not at all, so there the size is checked; a
    local file may have been cut short by a crash, so its bytes are hashed again.
    """
    stored_size = storage.size(name)
    if stored_size != size:
        return f"it has {stored_size} bytes, the upload {size}"
    if isinstance(storage, FileSystemStorage):
        with storage.open(name, "rb") as existing:
            actual = digest_stream(existing).sha256
        if actual != sha256:
            return f"its bytes hash to {actual}"
    return None


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomically(storage: FileSystemStorage, name: str, handle: IO[bytes]) -> None:
    """Write to a temporary name (mode 0600), fsync, rename into place, fsync the folder.

    A crash at any point leaves either no blob at ``name`` or the whole blob, never part of
    one; a leftover temporary file is removed by ``sanxiang serve`` at start.
    """
    final = Path(storage.path(name))
    # Same file system as the final path, so the rename is atomic; one folder, so what a crash
    # leaves is found at start without walking the whole store.
    partial_dir = Path(storage.location) / EVIDENCE_PARTIAL_DIR
    partial_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    final.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = partial_dir / f"{final.name}.{secrets.token_hex(8)}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks(handle):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o600)  # whatever the umask
        os.replace(temporary, final)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_dir(final.parent)


def scratch_file(prefix: str) -> IO[bytes]:
    """A private (0600) file to build a large blob in (an archive package): beside the blobs
    when the store is local, so that storing it is a rename, not a second copy; else in the
    installation's tmp. Hand it to :func:`store_scratch` once written; a crash leaves it where
    ``sanxiang serve`` removes leftovers at start (local store)."""
    storage = evidence_storage()
    if isinstance(storage, FileSystemStorage):
        folder = Path(storage.location) / EVIDENCE_PARTIAL_DIR
    else:
        folder = Path(settings.VAR_DIR) / "tmp"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return tempfile.NamedTemporaryFile(dir=folder, prefix=prefix, delete=False)


def store_scratch(handle: IO[bytes], sha256: str) -> str:
    """Store the written scratch file as the blob ``sha256`` and remove it; the blob's name.

    On a local store the file is synced and renamed into place (atomic, like every blob); on an
    object store it is uploaded.
    """
    storage = evidence_storage()
    name = blob_name(sha256)
    path = Path(handle.name)
    try:
        if isinstance(storage, FileSystemStorage) and path.parent == (
            Path(storage.location) / EVIDENCE_PARTIAL_DIR
        ):
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
            final = Path(storage.path(name))
            final.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not final.exists():  # content-addressed: the same bytes are stored once
                os.replace(path, final)
                _fsync_dir(final.parent)
            return name
        handle.seek(0)
        store_blob(handle, sha256)
        return name
    finally:
        handle.close()
        path.unlink(missing_ok=True)


def open_blob(name: str) -> Any:
    return evidence_storage().open(name, "rb")


def blob_problem(name: str, sha256: str) -> str | None:
    """Why the stored blob does not match ``sha256`` (in English), or None."""
    storage = evidence_storage()
    if not storage.exists(name):
        return f"blob {sha256} is missing from storage"
    with open_blob(name) as handle:
        actual = digest_stream(handle).sha256
    if actual != sha256:
        return f"blob {sha256} has been altered in storage (its bytes now hash to {actual})"
    return None


def register_evidence_checks() -> None:
    """Teach ``sanxiang ledger verify`` what each evidence event promises, and check it.

    - created/corrected: the version's metadata still hashes to what the event recorded;
    - viewed/downloaded/exported/handed_over: the event names the record's file, and the
      access record or custody row written with the event still exists unchanged;
    - every event: the stored file still hashes to its SHA-256 (once per file per run).
    """

    def prefetch(entries: list[Any]) -> dict[str, Any]:
        """A batch's items, access records and custody rows, one query each."""
        from sanxiang.evidence.models import AccessRecord, CustodyTransfer, EvidenceItem

        ids = {entry.object_id for entry in entries}
        sequences = [entry.sequence for entry in entries]
        items = EvidenceItem.objects.filter(pk__in=ids).select_related("blob")
        return {
            "items": {str(item.pk): item for item in items},
            "access": set(
                AccessRecord.objects.filter(ledger_sequence__in=sequences).values_list(
                    "ledger_sequence", "item_id", "action"
                )
            ),
            "custody": set(
                CustodyTransfer.objects.filter(ledger_sequence__in=sequences).values_list(
                    "ledger_sequence", "record_id"
                )
            ),
        }

    def check(entry: Any, cache: dict[Any, Any]) -> str | None:
        from sanxiang.evidence.events import ACCESS_EVENT, metadata_sha256
        from sanxiang.evidence.models import AccessRecord, CustodyTransfer, EvidenceItem

        batch = cache.get(batch_key("evidence.evidenceitem"))
        if batch is not None:
            item = batch["items"].get(entry.object_id)
        else:
            item = EvidenceItem.objects.filter(pk=entry.object_id).select_related("blob").first()
        if item is None:
            return f"evidence item {entry.object_id} no longer exists"
        if entry.action in ("evidence.created", "evidence.corrected"):
            if metadata_sha256(item) != entry.content_sha256:
                return (
                    f"evidence item {item.pk}: metadata no longer matches its {entry.action} event"
                )
        elif entry.content_sha256 != item.blob_id:
            return f"evidence item {item.pk}: the event names another file than the record"
        elif entry.action in ACCESS_EVENT.values():
            action = next(key for key, value in ACCESS_EVENT.items() if value == entry.action)
            if batch is not None:
                found = (entry.sequence, item.pk, action) in batch["access"]
            else:
                found = AccessRecord.objects.filter(
                    ledger_sequence=entry.sequence, item_id=item.pk, action=action
                ).exists()
            if not found:
                return f"the access record of event {entry.sequence} is missing or altered"
        elif entry.action == "evidence.handed_over":
            if batch is not None:
                found = (entry.sequence, item.record_id) in batch["custody"]
            else:
                found = CustodyTransfer.objects.filter(
                    ledger_sequence=entry.sequence, record_id=item.record_id
                ).exists()
            if not found:
                return f"the custody record of event {entry.sequence} is missing or altered"
        key = ("blob", item.blob_id)
        if key not in cache:
            cache[key] = blob_problem(item.blob.storage_name, item.blob_id)
        problem: str | None = cache[key]
        return problem

    register_event_check("evidence.evidenceitem", check, prefetch=prefetch)
