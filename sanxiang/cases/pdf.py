"""The PDF form of a document version, made after the version is recorded.

``document_generate`` records the Word form in the request; LibreOffice takes seconds, so the
PDF is converted afterwards — by the background thread (``core.background``), or by the first
reader who needs it, or by ``sanxiang documents pdf`` — and recorded as its own ledger event.
"""

from __future__ import annotations

import io

from django.db import transaction

from sanxiang.cases.documents import convert_to_pdf
from sanxiang.cases.events import document_pdf_made
from sanxiang.cases.models import CaseDocument
from sanxiang.evidence.storage import blob_name, open_blob, store_blob
from sanxiang.ledger.services import sha256_hex


def document_pdf_ensure(document_id: int) -> CaseDocument:
    """The version with its PDF, converting its recorded Word form now if nobody has yet.

    Idempotent: converted twice at once (the background thread and a reader), the first to
    commit stands and the other's bytes are dropped — one PDF per version, one ledger event.
    """
    document = CaseDocument.objects.select_related("case").get(pk=document_id)
    if document.pdf_sha256:
        return document
    with open_blob(blob_name(document.docx_sha256)) as handle:
        pdf = convert_to_pdf(handle.read())
    digest = sha256_hex(pdf)
    store_blob(io.BytesIO(pdf), digest)
    with transaction.atomic():
        locked = CaseDocument.objects.select_for_update().select_related("case").get(pk=document_id)
        if not locked.pdf_sha256:
            locked.pdf_sha256 = digest
            locked.save(update_fields=["pdf_sha256"])
            document_pdf_made(locked)
    return locked


def documents_pdf_pending() -> list[int]:
    """Versions whose PDF is still to be made (a stopped process, background work off)."""
    return list(
        CaseDocument.objects.filter(pdf_sha256="").order_by("pk").values_list("pk", flat=True)
    )
