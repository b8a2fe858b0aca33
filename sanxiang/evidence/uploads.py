"""An upload handler that hashes (SHA-256 and SM3) while the bytes arrive.

The file goes to a temporary file on disk in chunks (Django's temporary-file handler), so
memory stays flat however large the video; the digests are ready when the upload ends, and an
upload over the size limit is cut off at once.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler

from sanxiang.evidence.storage import Digests


class HashingUploadHandler(TemporaryFileUploadHandler):
    """Temporary-file upload handler that also computes ``file.digests``."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.digests = Digests()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.digests.update(raw_data)
        if self.digests.size > settings.SANXIANG_EVIDENCE_MAX_BYTES:
            self.file.close()  # the temporary file is deleted on close
            raise StopUpload(connection_reset=True)
        super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size: int) -> Any:
        uploaded = super().file_complete(file_size)
        if uploaded is not None:
            uploaded.digests = self.digests  # type: ignore[attr-defined]
        return uploaded
