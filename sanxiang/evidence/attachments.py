"""Files sent with an answer (a corrected decision, a rectification report …), kept in the
evidence store like every other blob: checked by their bytes, content-addressed, stored once.

Used by the answers to 执法监督意见 and to 案卷评查 findings. The caller checks the files
(``uploads_check``) before anything is written, copies them (``uploads_stored``, outside its
transaction, with the copies it made removed again if the transaction then fails) and creates
its attachment rows on ``blob_for`` inside its transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from django.conf import settings

from sanxiang.errors import DomainError
from sanxiang.evidence.filetypes import sniff
from sanxiang.evidence.models import Blob
from sanxiang.evidence.storage import Digests, digest_stream, evidence_storage, store_blob

logger = logging.getLogger(__name__)

MAX_FILES = 5
# Documents and photos of what was corrected; a video goes in as evidence of the case.
ANSWER_TYPES = {
    "application/pdf": "PDF 文件",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word 文档（.docx）",
    "image/jpeg": "JPEG 图片",
    "image/png": "PNG 图片",
}
ACCEPT = ".pdf,.docx,.jpg,.jpeg,.png"


class UploadRefused(DomainError):
    """A file that is empty, too large, too many or of a type not accepted (400)."""


@dataclass
class Upload:
    handle: IO[bytes]
    filename: str


@dataclass(frozen=True)
class StoredUpload:
    filename: str
    content_type: str
    digests: Digests
    storage_name: str
    created: bool

    @property
    def sha256(self) -> str:
        return self.digests.sha256


def max_bytes() -> int:
    return int(settings.SANXIANG_ANSWER_MAX_BYTES)


def _name(filename: str) -> str:
    return (filename or "附件").replace("/", "_").replace("\\", "_").strip()[-255:] or "附件"


def uploads_check(files: Sequence[Upload]) -> list[tuple[Upload, str]]:
    """Each file with its content type read from its first bytes; refused whole when there are
    too many, or one is empty, too large or of a type not accepted, whatever its name says."""
    if len(files) > MAX_FILES:
        raise UploadRefused(f"附件最多 {MAX_FILES} 个。", log_message=f"{len(files)} files")
    limit = max_bytes()
    checked = []
    for upload in files:
        name = _name(upload.filename)
        size = upload.handle.seek(0, 2)
        upload.handle.seek(0)
        if size == 0:
            raise UploadRefused(f"附件“{name}”是空文件。", log_message="empty attachment")
        if size > limit:
            raise UploadRefused(
                f"附件“{name}”超过 {limit // (1024 * 1024)} MB。请压缩或分成几个文件后再上传。",
                log_message=f"attachment of {size} bytes over the limit",
            )
        content_type = sniff(upload.handle.read(64))
        upload.handle.seek(0)
        if content_type not in ANSWER_TYPES:
            raise UploadRefused(
                f"附件“{name}”的内容不是可接受的格式。可上传：{'、'.join(ANSWER_TYPES.values())}。",
                log_message=f"attachment of type {content_type} refused",
            )
        checked.append((Upload(handle=upload.handle, filename=name), content_type))
    return checked


@contextmanager
def uploads_stored(checked: Sequence[tuple[Upload, str]]) -> Iterator[list[StoredUpload]]:
    """Copy the checked files into the evidence store; if the block then fails, the copies this
    call created are removed again unless a row refers to them by then."""
    stored: list[StoredUpload] = []
    try:
        for upload, content_type in checked:
            digests = digest_stream(upload.handle)
            name, created = store_blob(upload.handle, digests.sha256)
            stored.append(
                StoredUpload(
                    filename=upload.filename, content_type=content_type, digests=digests,
                    storage_name=name, created=created,
                )
            )  # fmt: skip
        yield stored
    except BaseException:
        for item in stored:
            if item.created:
                _discard_unreferenced(item)
        raise


def _discard_unreferenced(item: StoredUpload) -> None:
    try:
        if not Blob.objects.filter(sha256=item.sha256).exists():
            evidence_storage().delete(item.storage_name)
    except Exception:  # keep the original error
        logger.warning(
            "could not remove blob %s after a refused answer", item.sha256, exc_info=True
        )


def blob_for(item: StoredUpload) -> Blob:
    """The ``Blob`` row of a stored file (inside the caller's transaction)."""
    blob, _ = Blob.objects.get_or_create(
        sha256=item.sha256,
        defaults={
            "sm3": item.digests.sm3,
            "size": item.digests.size,
            "content_type": item.content_type,
            "storage_name": item.storage_name,
        },
    )
    return blob
