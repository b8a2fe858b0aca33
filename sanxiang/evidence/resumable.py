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
hard-linked into place rather than copied. The registration runs in one transaction with a
check that this holder still holds the upload's lease, so it happens once; a failure that is
not a refusal (a database error) leaves the complete scratch file for a retry.

On an object store (S3) registering means copying the whole file into the bucket, minutes for
a 4 GB recording, longer than a proxy waits for an answer. There the last PATCH only keeps the
file's digests in the row and asks for background work (``evidence.upload_finish``, the job
queue's worker or the web process's worker thread); the phone is told the file is being
registered and asks with GET until the evidence (or the refusal) is there. The officer who
uploaded is the registrant whoever runs the work (docs/operations/evidence.md, "Large
recordings on S3").
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import secrets
import shutil
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.db.models import F, Q
from django.http import QueryDict
from django.utils import timezone

from sanxiang.core import background
from sanxiang.core.scratch import EVIDENCE_PARTIAL_DIR
from sanxiang.errors import DomainError
from sanxiang.evidence.filetypes import ALLOWED, KIND_HINT, sniff
from sanxiang.evidence.models import EvidenceItem, EvidenceKind, ResumableUpload
from sanxiang.evidence.storage import CHUNK, Digests, evidence_storage
from sanxiang.org.models import Officer

logger = logging.getLogger(__name__)

# A writer that died (kill -9) without releasing its lease blocks the upload this long.
LEASE = timedelta(minutes=5)
# A complete upload still not registered this long after its last byte is logged as an ERROR by
# the periodic expiry (``uploads_expire_periodic``, ``sanxiang evidence_uploads_expire``).
STUCK_AFTER = timedelta(hours=1)
SNIFF_BYTES = 64
_CACHE_SIZE = 32


class UploadProblem(DomainError):
    """A request about a resumable upload that is refused; ``status`` is its HTTP status."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        log_message: str = "",
        offset: int | None = None,
        form_changed: bool = False,
    ) -> None:
        super().__init__(message, log_message=log_message)
        self.status = status
        # The offset the server has, when the answer tells the client where to go on.
        self.offset = offset
        self.form_changed = form_changed


NOT_FOUND = "没有这个上传，或它不属于您，或已过期被清除。请重新选择文件上传。"
SCRATCH_GONE = "服务器上已找不到该上传已接收的数据，请重新选择文件上传。"
# The refusal of a complete upload whose scratch file is still missing after its expiry.
SCRATCH_LOST = "文件已丢失，请重新上传。"
FINISHING_ELSEWHERE = "该上传正在由另一请求完成，请稍后查询结果。"
REGISTERING = "文件已全部收到，正在存入证据库并登记（大文件需要几分钟），请稍候，不要关闭本页面……"
# The background work that registers a complete upload (``upload_finish_work``).
FINISH_WORK = "evidence.upload_finish"
FORM_CHANGED = "登记信息与开始上传时填写的不一致，原上传已作废，将按现在的登记信息重新上传。"
# The key (inside ``form_data``) of the hash of all the fields the form was created with.
FIELDS_HASH = "_fields_sha256"


def fields_hash(data: QueryDict) -> str:
    """SHA-256 of a form's fields (without the CSRF token), as resumable.js computes it: the
    sorted ``[name, value]`` pairs as compact JSON, line breaks as ``\n``."""
    pairs = sorted(
        (name, value.replace("\r\n", "\n").replace("\r", "\n"))
        for name, values in data.lists()
        if name != "csrfmiddlewaretoken"
        for value in values
    )
    text = json.dumps([list(pair) for pair in pairs], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_fields(upload: ResumableUpload, sent_hash: str) -> None:
    """A client resuming ``upload`` sent the hash of the form as it is now: refuse (409) if the
    officer has changed the fields since (the upload would be registered with the old ones)."""
    kept = upload.form_data.get(FIELDS_HASH, "")
    if registering(upload):  # all in and being registered: the page shows that, not a new upload
        return
    if sent_hash and upload.item_id is None and kept and sent_hash.strip().lower() != kept:
        raise UploadProblem(
            409,
            FORM_CHANGED,
            log_message=f"upload {upload.pk}: form fields changed since creation",
            form_changed=True,
        )


def _write_problem(upload: ResumableUpload, exc: OSError) -> UploadProblem:
    """The answer to a failure of the server's own disk (never the client's fault)."""
    logger.error("upload %s: writing the scratch file failed: %s", upload.pk, exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return UploadProblem(
            507,
            "服务器存储空间不足，暂时无法接收文件。请稍后重试，或联系系统管理员。",
            log_message=f"upload {upload.pk}: no space ({exc})",
        )
    return UploadProblem(
        503,
        "服务器写入文件时出错，请稍后重试；如反复出现请联系系统管理员。",
        log_message=f"upload {upload.pk}: write error ({exc})",
    )


class KnownDigests(Digests):
    """The digests of a whole file, computed as it arrived and kept in the upload's row."""

    def __init__(self, sha256: str, sm3: str, size: int) -> None:
        super().__init__()
        self._known = (sha256, sm3)
        self.size = size

    def update(self, chunk: bytes) -> None:
        raise RuntimeError("the digests of a complete upload take no more bytes")

    @property
    def sha256(self) -> str:
        return self._known[0]

    @property
    def sm3(self) -> str:
        return self._known[1]


def finish_in_background() -> bool:
    """Whether a complete upload is registered by background work rather than by its last
    PATCH: when the store is not a local folder (the file is copied into an object store, not
    linked) and background work runs at all (``SANXIANG_QUEUE`` is not ``off``)."""
    return not isinstance(evidence_storage(), FileSystemStorage) and background.enabled()


def registering(upload: ResumableUpload) -> bool:
    """Complete, its digests kept, waiting for (or in) its background registration."""
    return bool(
        upload.item_id is None
        and not upload.refusal
        and upload.sha256
        and upload.offset == upload.length
    )


# ``registering`` as a query.
REGISTERING_ROWS = Q(item__isnull=True, refusal="", offset=F("length")) & ~Q(sha256="")


def finish_lock(upload_id: str) -> str:
    """The queueing lock of an upload's ``FINISH_WORK``: one job waiting at a time."""
    return f"{FINISH_WORK}:{upload_id}"


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
        with _open_scratch(upload, path) as handle:
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


def _open_scratch(upload: ResumableUpload, path: Path) -> IO[bytes]:
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise UploadProblem(
            410, SCRATCH_GONE, log_message=f"upload {upload.pk}: scratch file {path} missing"
        ) from None


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
    # Not those waiting for their background registration: the officer can do nothing about them.
    open_uploads = (
        ResumableUpload.objects.filter(
            officer=actor, item__isnull=True, refusal="", expires_at__gte=now
        )
        .exclude(REGISTERING_ROWS)
        .count()
    )
    if open_uploads >= settings.SANXIANG_RESUMABLE_MAX_OPEN:
        raise UploadProblem(
            429,
            f"您已有 {open_uploads} 个未完成的上传，请先完成或撤销其中的上传再开始新的上传。",
            log_message=f"officer {actor.pk} has {open_uploads} open resumable uploads",
        )
    free = shutil.disk_usage(scratch_dir()).free
    if length > free - settings.SANXIANG_RESUMABLE_FREE_MARGIN_BYTES:
        logger.error(
            "resumable upload of %d bytes refused: %d bytes free in the scratch folder",
            length,
            free,
        )
        raise UploadProblem(
            507,
            "服务器存储空间不足，无法接收这么大的文件。请联系系统管理员。",
            log_message=f"resumable upload of {length} bytes, {free} bytes free",
        )
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
    if upload is None or (
        upload.item_id is None and not registering(upload) and upload.expires_at < timezone.now()
    ):
        raise UploadProblem(
            404, NOT_FOUND, log_message=f"upload {upload_id} not found for officer {actor.pk}"
        )
    return upload


def _claim(upload: ResumableUpload, offset: int) -> str:
    """Take the write lease at ``offset``, or say why not (409 wrong offset, 423 busy); ""
    if the upload was registered (or refused) meanwhile."""
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
    if upload.item_id is not None or upload.refusal:
        return ""
    if upload.offset != offset:
        raise UploadProblem(
            409,
            "分片位置与服务器记录不一致，请重新查询进度后继续。",
            log_message=f"upload {upload.pk}: chunk at {offset}, server has {upload.offset}",
            offset=upload.offset,
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
    try:
        token = _claim(upload, offset)
    except UploadProblem as problem:
        if problem.status == 423 and body_length == 0 and registering(upload):
            # The page's empty PATCH while the background work copies the file into the store
            # (holding the lease): "still registering", at once.
            return upload, None
        raise
    if not token:
        return upload, None
    key = str(upload.pk)
    path = scratch_path(upload)
    written = 0
    try:
        if offset == upload.length and upload.sha256:  # asked again to register: known digests
            digests: Digests = KnownDigests(upload.sha256, upload.sm3, upload.length)
        else:
            digests = _digests_at(upload, path, offset)
        try:
            fd = os.open(path, os.O_WRONLY)
        except FileNotFoundError:
            raise UploadProblem(
                410, SCRATCH_GONE, log_message=f"upload {upload.pk}: scratch file missing"
            ) from None
        try:
            os.ftruncate(fd, offset)  # whatever a writer that died left after the offset
            os.lseek(fd, offset, os.SEEK_SET)
            while written < body_length:
                # Only a failure to read the request is the client going away; a failure to
                # write is the server's disk (below).
                try:
                    piece = body.read(min(CHUNK, body_length - written))
                except OSError:
                    logger.info("upload %s: client went away after %d bytes", upload.pk, written)
                    break
                if not piece:
                    break
                _write_all(fd, piece)
                digests.update(piece)
                written += len(piece)
            os.fsync(fd)
        except OSError as exc:
            raise _write_problem(upload, exc) from exc
        finally:
            os.close(fd)
        if offset < SNIFF_BYTES <= offset + written or (
            offset + written == upload.length and offset < SNIFF_BYTES
        ):
            _check_type(upload, path)
    except UploadProblem as problem:
        _digests.drop(key)
        if problem.status in (410, 415):  # it cannot go on: the row goes too
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
            offset=new_offset,
        )
    return upload, None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class _LeaseLost(Exception):
    pass


class _LeaseRenewal:
    """Renews a lease every third of ``LEASE`` (in a thread, with its own connection) while
    its holder copies a complete upload into the store, so that a copy longer than ``LEASE``
    is not taken for a dead one and started a second time by a retry or the page's nudge."""

    def __init__(self, upload: ResumableUpload, token: str) -> None:
        self._upload_id, self._token = upload.pk, token
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{upload.pk}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()

    def _run(self) -> None:
        from django.db import connection

        # Short sleeps rather than a timed wait on the event (which never times out under
        # libfaketime, as in the test suite's subprocesses).
        every = LEASE.total_seconds() / 3
        due = time.monotonic() + every
        try:
            while not self._stopped.is_set():
                time.sleep(0.1)
                if time.monotonic() >= due and not self._stopped.is_set():
                    due = time.monotonic() + every
                    self._renew()
        finally:
            connection.close()

    def _renew(self) -> None:
        """One renewal; a failure (the database away a moment) is logged and the next tick
        tries again on a new connection — the lease runs out only if every try fails."""
        from django.db import connection

        try:
            ResumableUpload.objects.filter(
                pk=self._upload_id, lease=self._token, item__isnull=True, refusal=""
            ).update(lease_until=timezone.now() + LEASE)
        except Exception:
            logger.warning("upload %s: could not renew the lease", self._upload_id, exc_info=True)
            try:
                connection.close()
            except Exception:  # a broken connection may fail to close: it is dropped anyway
                logger.debug("upload %s: closing the connection failed", self._upload_id)


def upload_finish(
    *,
    upload: ResumableUpload,
    digests: Digests,
    register: Callable[[IO[bytes], Callable[[EvidenceItem], None]], EvidenceItem],
) -> EvidenceItem:
    """Register the complete file through ``register`` (the one-shot upload's service, with
    the form's metadata checked again); the lease taken by the last chunk is released.

    No transaction is open while the file is copied into the store (minutes for a recording
    of several GB into a bucket): the lease is renewed first, on its own, so that a retry or
    the page's empty PATCH meanwhile is told at once that the upload is busy, never waits on
    the row. Only the registration is one short transaction (``evidence_register``'s), and
    it checks, on the upload's row, that the lease is still this run's and nothing was
    registered yet (a copy that took longer than ``LEASE`` must not let a retry register the
    file a second time). A refusal ends the upload (422); any other failure keeps the complete
    scratch file, so that a retry registers it (503).
    """
    path = scratch_path(upload)
    token = upload.lease
    key = str(upload.pk)

    def still_ours(item: EvidenceItem) -> None:
        # Inside the registration's transaction: this UPDATE locks the row until it commits.
        if not _release(upload, token, item=item):
            raise _LeaseLost

    renewing = _LeaseRenewal(upload, token)
    try:
        if not ResumableUpload.objects.filter(
            pk=upload.pk, lease=token, item__isnull=True, refusal=""
        ).update(lease_until=timezone.now() + LEASE):
            raise _LeaseLost
        renewing.start()
        try:
            with _open_scratch(upload, path) as handle:
                item = register(handle, still_ours)
        finally:
            renewing.stop()
    except _LeaseLost:
        _digests.drop(key)
        raise UploadProblem(
            409, FINISHING_ELSEWHERE, log_message=f"upload {upload.pk}: lease lost at finish"
        ) from None
    except UploadProblem as problem:
        _digests.drop(key)
        if problem.status == 410:
            ResumableUpload.objects.filter(pk=upload.pk, lease=token).delete()
        else:
            _release(upload, token)
        raise
    except DomainError as exc:
        _release(upload, token, refusal=exc.message[:500])
        path.unlink(missing_ok=True)
        _digests.drop(key)
        raise UploadProblem(
            422, f"文件已完整收到，但未登记：{exc.message}", log_message=exc.log_message
        ) from exc
    except Exception as exc:
        logger.exception("upload %s: registration failed, kept for a retry", upload.pk)
        try:
            _release(upload, token)
        except Exception:  # the database is away: the lease runs out by itself
            logger.warning("upload %s: could not release the lease", upload.pk, exc_info=True)
        _digests.put(key, digests)
        raise UploadProblem(
            503,
            "文件已完整收到，但登记时出现临时故障，文件已保留。请稍后重试，将直接完成登记。",
            log_message=f"upload {upload.pk}: registration failed: {exc!r}",
        ) from exc
    except BaseException:
        _release(upload, token)
        raise
    upload.item, upload.lease = item, ""
    path.unlink(missing_ok=True)
    _digests.drop(key)
    logger.info("resumable upload %s registered as evidence %s", upload.pk, item.pk)
    return item


def upload_finish_later(*, upload: ResumableUpload, digests: Digests) -> None:
    """Leave the registration of a complete upload to background work: keep its digests in
    the row, release the lease the last chunk took and ask for ``FINISH_WORK`` in the same
    transaction (with the job queue the job exists exactly when the row says so)."""
    key = str(upload.pk)
    complete_at = upload.complete_at or timezone.now()
    with transaction.atomic():
        if not _release(
            upload, upload.lease, sha256=digests.sha256, sm3=digests.sm3, complete_at=complete_at
        ):
            _digests.drop(key)
            raise UploadProblem(
                409, FINISHING_ELSEWHERE, log_message=f"upload {upload.pk}: lease lost at end"
            )
        # The page's nudge every minute adds no job while one waits.
        background.enqueue(FINISH_WORK, queueing_lock=finish_lock(key), upload_id=key)
    upload.lease, upload.sha256, upload.sm3 = "", digests.sha256, digests.sm3
    upload.complete_at = complete_at
    _digests.drop(key)
    logger.info("resumable upload %s complete, registration left to background work", key)


def upload_finish_work(upload_id: str) -> None:
    """Background work: register the complete upload ``upload_id`` as its officer's evidence.

    Idempotent: an upload already registered, refused or gone is left alone, and the lease
    with ``upload_finish``'s transaction makes the registration happen once however often this
    runs. A temporary failure (the bucket or the database away, the scratch file not found by
    this worker) is raised, so that the queue tries again (a scratch file still missing after
    the upload's expiry is taken for lost: the upload is refused, ``SCRATCH_LOST``); the
    officer's page also asks again from time to time (a zero-length PATCH), and the periodic
    expiry asks again for every complete upload nobody works on (``uploads_finish_again``).
    While another holds the lease (a worker that died mid-copy holds it up to ``LEASE``), the
    work asks for itself again once the lease has run out.
    """
    from sanxiang.evidence.registration import resumable_registration

    upload = ResumableUpload.objects.select_related("officer").filter(pk=upload_id).first()
    if upload is None or not registering(upload):
        return
    try:
        token = _claim(upload, upload.length)
    except UploadProblem as problem:
        if problem.status == 423:  # another holds the lease: try again once it has run out
            _finish_after_lease(upload)
        return  # else gone meanwhile (abandoned)
    if not token:  # registered or refused meanwhile
        return
    upload.lease = token
    path = scratch_path(upload)
    if not path.exists():
        # Not "gone" (410, which ends the upload): a worker without the web nodes' shared
        # scratch folder must not delete complete uploads. Only once the upload is past its
        # expiry (``SANXIANG_RESUMABLE_EXPIRE_HOURS`` after its last chunk, long after any
        # retry) is the file taken for lost: the upload is refused (its page says so and
        # forgets it) and its row expires like any refused upload's; the file is not touched.
        now = timezone.now()
        if now > upload.expires_at:
            refused = _release(
                upload,
                token,
                refusal=SCRATCH_LOST,
                expires_at=now + timedelta(hours=settings.SANXIANG_RESUMABLE_EXPIRE_HOURS),
            )
            _digests.drop(str(upload.pk))
            if refused:
                logger.error(
                    "upload %s (officer %s) complete since %s: its scratch file %s is still "
                    "missing after its expiry; refused, the officer must upload it again",
                    upload_id,
                    upload.officer_id,
                    (upload.complete_at or upload.created_at).isoformat(timespec="seconds"),
                    path,
                )
            return
        _release(upload, token)
        logger.error(
            "upload %s is complete but this worker cannot find its scratch file %s "
            "(is the scratch folder shared with the web nodes?); the upload is kept",
            upload_id,
            path,
        )
        raise UploadProblem(
            503,
            "文件已完整收到，但登记程序暂时找不到该文件，文件已保留。请稍后重试或联系系统管理员。",
            log_message=f"upload {upload_id}: scratch file {path} not found by the worker",
        )
    digests = KnownDigests(upload.sha256, upload.sm3, upload.length)
    try:
        upload_finish(
            upload=upload,
            digests=digests,
            register=resumable_registration(upload, upload.officer, digests),
        )
    except UploadProblem as problem:
        if problem.status >= 500:
            raise
        logger.info("upload %s not registered: %s", upload_id, problem.log_message or problem)


def _finish_after_lease(upload: ResumableUpload) -> None:
    """Ask for ``FINISH_WORK`` again a little after the lease another holds runs out (the
    queue's own retries, 5 s and 25 s later, all end inside a lease)."""
    now = timezone.now()
    until = upload.lease_until or now
    delay = max((until - now).total_seconds(), 0.0) + 5.0
    key = str(upload.pk)
    background.enqueue(FINISH_WORK, queueing_lock=finish_lock(key), delay=delay, upload_id=key)
    logger.info("upload %s: lease held by another, registration asked again in %.0f s", key, delay)


def upload_delete(*, actor: Officer, upload_id: str, token: str = "") -> None:
    """Abandon an unfinished upload (tus termination): the row and the scratch file go."""
    upload = upload_get(actor=actor, upload_id=upload_id)
    if upload.item_id is not None:
        raise UploadProblem(409, "该文件已登记为证据，不能撤销上传。")
    if registering(upload) and not token:
        raise UploadProblem(409, "文件已全部收到，正在登记为证据，不能撤销上传。")
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

    Finished and refused uploads lose their row after the same time (their file is gone). A
    complete upload waiting for its registration is never removed (``uploads_finish_again``);
    one whose scratch file is lost is refused by its work after its expiry, then removed later.
    """
    now = now or timezone.now()
    removed = 0
    for upload in (
        ResumableUpload.objects.filter(expires_at__lt=now)
        .filter(Q(lease="") | Q(lease_until__lt=now))
        .exclude(REGISTERING_ROWS)
    ):
        scratch_path(upload).unlink(missing_ok=True)
        upload.delete()
        _digests.drop(str(upload.pk))
        removed += upload.item_id is None
    return removed


def uploads_finish_again(*, now: datetime | None = None) -> int:
    """Ask again for the registration of every complete upload nobody holds the lease of (its
    work failed for good, or was lost with a process); how many. One waiting longer than
    ``STUCK_AFTER`` is logged as an ERROR each time: something keeps it from being registered.
    This ends: its work registers it, or (its scratch file still missing after its expiry)
    refuses it."""
    if not background.enabled():  # the page's empty PATCH registers it in the request
        return 0
    now = now or timezone.now()
    asked = 0
    for upload in ResumableUpload.objects.filter(REGISTERING_ROWS).filter(
        Q(lease="") | Q(lease_until__lt=now)
    ):
        key = str(upload.pk)
        since = upload.complete_at or upload.created_at
        if now - since > STUCK_AFTER:
            logger.error(
                "resumable upload %s (officer %s) complete since %s and still not registered; "
                "its registration is asked for again (see the worker's log for why it fails)",
                key,
                upload.officer_id,
                since.isoformat(timespec="seconds"),
            )
        with transaction.atomic():
            background.enqueue(FINISH_WORK, queueing_lock=finish_lock(key), upload_id=key)
        asked += 1
    return asked


def uploads_expire_periodic() -> None:
    """What the job queue's workers run on ``SANXIANG_RESUMABLE_EXPIRE_CRON``."""
    removed = uploads_expire()
    if removed:
        logger.info("%d abandoned resumable uploads removed", removed)
    asked = uploads_finish_again()
    if asked:
        logger.info("registration asked again for %d complete resumable uploads", asked)
