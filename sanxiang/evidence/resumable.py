"""Resumable uploads of large recordings (tus 1.0 core protocol, creation and termination).

A body-cam video of several gigabytes is sent from a phone in chunks: ``POST`` creates the
upload (the form's metadata and the total size, checked at once), each ``PATCH`` appends one
chunk at the offset the server recorded, ``HEAD`` tells a client that lost its connection
where to go on. A chunk is written straight to a scratch file in shared storage (never held
whole in memory) and fsynced before its new offset is committed, so a chunk the server has
acknowledged survives a crash of the node.

Everything a node needs is in the database row and the scratch file, so consecutive chunks
may land on different app nodes. The only thing kept in process memory is a cache of the
running SHA-256 and SM3 (``Digests``), because neither hash state can be stored (``rehash``
does not support OpenSSL 3): the node that took the previous chunk continues its hashes
without reading anything again; another node first hashes the bytes it has not seen from the
scratch file (with two nodes taking turns, each reads the other's chunks once).

When the last byte is in, the file is registered by ``evidence_register`` like a one-shot
upload (type, size, metadata, case, ledger event, duplicate blob) and, on a local store,
renamed into place rather than copied.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sanxiang.core.scratch import EVIDENCE_PARTIAL_DIR
from sanxiang.errors import DomainError
from sanxiang.evidence.filetypes import ALLOWED, KIND_HINT, sniff
from sanxiang.evidence.models import EvidenceItem, EvidenceKind, ResumableUpload
from sanxiang.evidence.storage import CHUNK, Digests, evidence_storage
from sanxiang.org.models import Officer

logger = logging.getLogger(__name__)

# A writer that died (kill -9) without releasing its lease blocks the upload this long.
LEASE = timedelta(minutes=5)
SNIFF_BYTES = 64
_CACHE_SIZE = 32


class UploadProblem(DomainError):
    """A request about a resumable upload that is refused; ``status`` is its HTTP status."""

    def __init__(self, status: int, message: str, *, log_message: str = "") -> None:
        super().__init__(message, log_message=log_message)
        self.status = status


NOT_FOUND = "没有这个上传，或它不属于您，或已过期被清除。请重新选择文件上传。"


def scratch_dir() -> Path:
    """Where chunks are assembled: inside a local store (so that the finished file is renamed
    into place, and where ``sanxiang serve``'s clean-up of ``.partial`` files leaves it alone),
    else in the installation's tmp — which, with several nodes, must be a shared folder."""
    storage = evidence_storage()
    if isinstance(storage, FileSystemStorage):
        folder = Path(storage.location) / EVIDENCE_PARTIAL_DIR / "resumable"
    else:
        folder = Path(settings.VAR_DIR) / "tmp" / "resumable"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def scratch_path(upload: ResumableUpload) -> Path:
    return scratch_dir() / f"{upload.pk}.part"


class _DigestCache:
    """Running digests of uploads this process took chunks of, by upload id (bounded)."""

    def __init__(self) -> None:
        self._entries: OrderedDict[str, Digests] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str) -> Digests | None:
        with self._lock:
            return self._entries.pop(key, None)

    def put(self, key: str, digests: Digests) -> None:
        with self._lock:
            self._entries[key] = digests
            while len(self._entries) > _CACHE_SIZE:
                self._entries.popitem(last=False)

    def drop(self, key: str) -> None:
        self.take(key)


_digests = _DigestCache()


def _digests_at(upload: ResumableUpload, path: Path, offset: int) -> Digests:
    """The digests of the file's first ``offset`` bytes: continued from this process's cache,
    reading only the bytes it has not hashed yet."""
    digests = _digests.take(str(upload.pk))
    if digests is None or digests.size > offset:
        digests = Digests()
    if digests.size < offset:
        with open(path, "rb") as handle:
            handle.seek(digests.size)
            while digests.size < offset:
                piece = handle.read(min(CHUNK, offset - digests.size))
                if not piece:
                    raise UploadProblem(
                        409,
                        "已接收的数据不完整，请重新上传该文件。",
                        log_message=f"upload {upload.pk}: scratch file shorter than {offset}",
                    )
                digests.update(piece)
    return digests


def upload_create(
    *, actor: Officer, case_number: str, form_data: dict[str, str], filename: str, length: int
) -> ResumableUpload:
    """Open an upload of ``length`` bytes; the metadata has been checked by the form."""
    if length <= 0:
        raise UploadProblem(400, "文件是空的。", log_message="resumable upload of 0 bytes")
    if length > settings.SANXIANG_EVIDENCE_MAX_BYTES:
        limit = settings.SANXIANG_EVIDENCE_MAX_BYTES / 1024**3
        raise UploadProblem(
            413,
            f"文件超过 {limit:g} GB 的上限，不能上传。",
            log_message=f"resumable upload of {length} bytes refused",
        )
    now = timezone.now()
    upload = ResumableUpload.objects.create(
        id=uuid.uuid4(),
        officer=actor,
        case_number=case_number,
        form_data=form_data,
        filename=(os.path.basename(filename.replace("\\", "/")) or "upload")[:255],
        length=length,
        expires_at=now + timedelta(hours=settings.SANXIANG_RESUMABLE_EXPIRE_HOURS),
    )
    fd = os.open(scratch_path(upload), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    logger.info("resumable upload %s of %d bytes opened by officer %s", upload.pk, length, actor.pk)
    return upload


def upload_get(*, actor: Officer, upload_id: str) -> ResumableUpload:
    """The actor's own upload, or 404 (another officer's upload is not said to exist)."""
    try:
        key = uuid.UUID(str(upload_id))
    except ValueError:
        raise UploadProblem(404, NOT_FOUND, log_message=f"bad upload id {upload_id!r}") from None
    upload = ResumableUpload.objects.filter(pk=key, officer=actor).first()
    if upload is None or (upload.item_id is None and upload.expires_at < timezone.now()):
        raise UploadProblem(
            404, NOT_FOUND, log_message=f"upload {upload_id} not found for officer {actor.pk}"
        )
    return upload


def _claim(upload: ResumableUpload, offset: int) -> str:
    """Take the write lease at ``offset``, or say why not (409 wrong offset, 423 busy)."""
    now = timezone.now()
    token = secrets.token_hex(16)
    claimed = (
        ResumableUpload.objects.filter(pk=upload.pk, offset=offset, item__isnull=True, refusal="")
        .filter(Q(lease="") | Q(lease_until__lt=now))
        .update(lease=token, lease_until=now + LEASE)
    )
    if claimed:
        return token
    try:
        upload.refresh_from_db()
    except ResumableUpload.DoesNotExist:  # expired and removed, or abandoned, meanwhile
        raise UploadProblem(404, NOT_FOUND, log_message=f"upload {upload.pk} gone") from None
    if upload.offset != offset:
        raise UploadProblem(
            409,
            "分片位置与服务器记录不一致，请重新查询进度后继续。",
            log_message=f"upload {upload.pk}: chunk at {offset}, server has {upload.offset}",
        )
    raise UploadProblem(
        423,
        "该文件的另一个分片正在写入，请稍后重试。",
        log_message=f"upload {upload.pk}: busy",
    )


def _release(upload: ResumableUpload, token: str, **changes: Any) -> bool:
    return bool(
        ResumableUpload.objects.filter(pk=upload.pk, lease=token).update(
            lease="", lease_until=None, **changes
        )
    )


def _check_type(upload: ResumableUpload, path: Path) -> None:
    """Once the first bytes are in, refuse a file that is not of the declared kind at once."""
    with open(path, "rb") as handle:
        content_type = sniff(handle.read(SNIFF_BYTES))
    kind = upload.form_data.get("kind", "")
    if kind in ALLOWED and content_type not in ALLOWED[kind]:
        raise UploadProblem(
            415,
            f"文件内容与记录形式“{EvidenceKind(kind).label}”不符，应为{KIND_HINT[kind]}。",
            log_message=f"upload {upload.pk}: content type {content_type} not allowed for {kind}",
        )


def upload_append(
    *, actor: Officer, upload_id: str, offset: int, body: IO[bytes], body_length: int
) -> tuple[ResumableUpload, Digests | None]:
    """Append one chunk at ``offset``; the upload and, once it is complete, its digests.

    Bytes that arrived before the client went away are kept (and hashed); the client asks
    with HEAD where to go on. A zero-length chunk at the end asks again for the registration
    of a complete upload (if the node doing it died).
    """
    upload = upload_get(actor=actor, upload_id=upload_id)
    if upload.item_id is not None or upload.refusal:
        return upload, None
    if body_length > settings.SANXIANG_RESUMABLE_CHUNK_MAX_BYTES:
        limit = settings.SANXIANG_RESUMABLE_CHUNK_MAX_BYTES // 1024**2
        raise UploadProblem(
            413,
            f"单个分片不能超过 {limit} MB。",
            log_message=f"upload {upload.pk}: chunk of {body_length} bytes",
        )
    if offset + body_length > upload.length:
        raise UploadProblem(
            413,
            "分片超出了创建上传时申报的文件大小。",
            log_message=f"upload {upload.pk}: {offset}+{body_length} > {upload.length}",
        )
    token = _claim(upload, offset)
    key = str(upload.pk)
    path = scratch_path(upload)
    written = 0
    try:
        digests = _digests_at(upload, path, offset)
        fd = os.open(path, os.O_WRONLY)
        try:
            os.ftruncate(fd, offset)  # whatever a writer that died left after the offset
            os.lseek(fd, offset, os.SEEK_SET)
            try:
                while written < body_length:
                    piece = body.read(min(CHUNK, body_length - written))
                    if not piece:
                        break
                    _write_all(fd, piece)
                    digests.update(piece)
                    written += len(piece)
            except OSError:
                logger.info("upload %s: client went away after %d bytes", upload.pk, written)
            os.fsync(fd)
        finally:
            os.close(fd)
        if offset < SNIFF_BYTES <= offset + written or (
            offset + written == upload.length and offset < SNIFF_BYTES
        ):
            _check_type(upload, path)
    except UploadProblem as problem:
        _digests.drop(key)
        if problem.status == 415:
            upload_delete(actor=actor, upload_id=key, token=token)
        else:
            _release(upload, token)
        raise
    except BaseException:
        _digests.drop(key)
        _release(upload, token)
        raise
    new_offset = offset + written
    complete = new_offset == upload.length
    expires = timezone.now() + timedelta(hours=settings.SANXIANG_RESUMABLE_EXPIRE_HOURS)
    if complete:
        # Keep the lease through the registration, so that it runs once.
        ResumableUpload.objects.filter(pk=upload.pk, lease=token).update(
            offset=new_offset, expires_at=expires, lease_until=timezone.now() + LEASE
        )
        upload.offset, upload.lease = new_offset, token
        return upload, digests
    if not _release(upload, token, offset=new_offset, expires_at=expires):
        _digests.drop(key)
        raise UploadProblem(409, "上传进度已变化，请重新查询进度后继续。")
    _digests.put(key, digests)
    upload.offset = new_offset
    if written < body_length:
        raise UploadProblem(
            400,
            "分片未传完整，已保存收到的部分，请从新的位置继续。",
            log_message=f"upload {upload.pk}: short chunk ({written}/{body_length})",
        )
    return upload, None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def upload_finish(
    *,
    upload: ResumableUpload,
    digests: Digests,
    register: Callable[[IO[bytes]], EvidenceItem],
) -> EvidenceItem:
    """Register the complete file through ``register`` (the one-shot upload's service, with
    the form's metadata checked again); the lease taken by the last chunk is released."""
    path = scratch_path(upload)
    token = upload.lease
    try:
        with open(path, "rb") as handle:
            item = register(handle)
    except DomainError as exc:
        _release(upload, token, refusal=exc.message[:500])
        path.unlink(missing_ok=True)
        _digests.drop(str(upload.pk))
        raise UploadProblem(
            422, f"文件已完整收到，但未登记：{exc.message}", log_message=exc.log_message
        ) from exc
    except BaseException:
        _release(upload, token)
        raise
    _release(upload, token, item=item)
    upload.item = item
    path.unlink(missing_ok=True)  # still there if the same bytes were stored before
    _digests.drop(str(upload.pk))
    logger.info("resumable upload %s registered as evidence %s", upload.pk, item.pk)
    return item


def upload_delete(*, actor: Officer, upload_id: str, token: str = "") -> None:
    """Abandon an unfinished upload (tus termination): the row and the scratch file go."""
    upload = upload_get(actor=actor, upload_id=upload_id)
    if upload.item_id is not None:
        raise UploadProblem(409, "该文件已登记为证据，不能撤销上传。")
    with transaction.atomic():
        query = ResumableUpload.objects.filter(pk=upload.pk)
        if not token:
            query = query.filter(Q(lease="") | Q(lease_until__lt=timezone.now()))
        else:
            query = query.filter(lease=token)
        if not query.delete()[0]:
            raise UploadProblem(423, "该文件正在写入，请稍后重试。")
    scratch_path(upload).unlink(missing_ok=True)
    _digests.drop(str(upload.pk))


def uploads_expire(*, now: datetime | None = None) -> int:
    """Remove unfinished uploads past their expiry (and their scratch files); how many.

    Finished and refused uploads lose their row after the same time (their file is gone).
    """
    now = now or timezone.now()
    removed = 0
    for upload in ResumableUpload.objects.filter(expires_at__lt=now).filter(
        Q(lease="") | Q(lease_until__lt=now)
    ):
        scratch_path(upload).unlink(missing_ok=True)
        upload.delete()
        _digests.drop(str(upload.pk))
        removed += upload.item_id is None
    return removed
