"""Serving a file to save: the one place that writes a download's headers.

Every generated document an officer downloads (a case's 文书, a review's 审核意见书 or minutes,
a report) is served by these two functions, so each is named the same way, is saved rather than
shown, and is never kept by a browser or a proxy. Reading the bytes, checking the officer may
have them and recording the access stay with the app's service (``document_open`` and the
like), which ``serve_document`` calls.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from urllib.parse import quote

from django.http import Http404, HttpResponse

from sanxiang.errors import DomainError

DocumentT = TypeVar("DocumentT")

DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def attachment(data: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """``data`` as a file to save under ``filename`` (any script: RFC 5987), not cached."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


def serve_document(
    *,
    form: str,
    open_document: Callable[[str], tuple[DocumentT, bytes]],
    filename: Callable[[DocumentT], str],
) -> HttpResponse:
    """A generated document as PDF or DOCX (``form``).

    ``open_document(form)`` is the app's service: it checks the officer may have the document,
    records the access and returns the document with its bytes. An unknown format, or a
    document the service refuses (missing, out of scope), is a Chinese 404, so a stranger
    cannot tell the two apart. ``filename(document)`` names the file without its extension.
    """
    content_type = DOCUMENT_TYPES.get(form)
    if content_type is None:
        raise Http404("没有这种格式。")
    try:
        document, data = open_document(form)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    return attachment(data, filename=f"{filename(document)}.{form}", content_type=content_type)
