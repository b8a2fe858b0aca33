"""Teach ``sanxiang ledger verify`` to re-hash every stored document version."""

from __future__ import annotations

from typing import Any

from sanxiang.cases.events import document_inputs_sha256
from sanxiang.cases.facts import facts_problem
from sanxiang.ledger.content import batch_key, register_event_check


def _pdf_recorded(document: Any) -> bool:
    """Whether a ``cases.document.pdf_made`` event recorded the version's PDF (read once per
    batch by ``prefetch``; asked directly otherwise)."""
    known = getattr(document, "pdf_recorded", None)
    if known is not None:
        return bool(known)
    from sanxiang.ledger.models import LedgerEntry

    return LedgerEntry.objects.filter(
        action="cases.document.pdf_made", object_type="cases.casedocument",
        object_id=str(document.pk),
    ).exists()  # fmt: skip


def register_document_checks() -> None:
    def check(entry: Any, cache: dict[Any, Any]) -> str | None:
        from sanxiang.cases.models import CaseDocument
        from sanxiang.evidence.storage import blob_name, blob_problem

        batch = cache.get(batch_key("cases.casedocument"))
        if batch is not None:
            document = batch.get(entry.object_id)
        else:
            document = CaseDocument.objects.filter(pk=entry.object_id).first()
        if document is None:
            return f"document {entry.object_id} no longer exists"
        if entry.action == "cases.document.inputs":
            if document_inputs_sha256(document.fields) != entry.content_sha256:
                return f"document {document.pk} inputs differ from those its event recorded"
            return None
        if entry.content_sha256 not in (document.pdf_sha256, document.docx_sha256):
            return f"document {document.pk} no longer has the file its event recorded"
        if (
            entry.action == "cases.document.generated"
            and entry.content_sha256 == document.docx_sha256
            and document.pdf_sha256
            and not _pdf_recorded(document)
        ):
            # The digest may be filled once (a trigger allows it); filled with no event, the
            # PDF served is not one anybody recorded.
            return f"document {document.pk} has a PDF digest no pdf_made event recorded"
        key = ("blob", entry.content_sha256)
        if key not in cache:
            cache[key] = blob_problem(blob_name(entry.content_sha256), entry.content_sha256)
        problem: str | None = cache[key]
        return problem

    def prefetch(entries: list[Any]) -> dict[str, Any]:
        from sanxiang.cases.models import CaseDocument
        from sanxiang.ledger.models import LedgerEntry

        ids = {entry.object_id for entry in entries}
        made = set(
            LedgerEntry.objects.filter(
                action="cases.document.pdf_made", object_type="cases.casedocument",
                object_id__in=ids,
            ).values_list("object_id", flat=True)
        )  # fmt: skip
        documents = {str(d.pk): d for d in CaseDocument.objects.filter(pk__in=ids)}
        for key, document in documents.items():
            document.pdf_recorded = key in made  # type: ignore[attr-defined]
        return documents

    register_event_check("cases.casedocument", check, prefetch=prefetch)
    register_event_check("cases.case", facts_problem)


def register_party_signature_checks() -> None:
    """``ledger verify`` re-computes each party signature's digest from its row and re-hashes
    the stored image, so neither can be swapped unseen."""

    def check(entry: Any, cache: dict[Any, Any]) -> str | None:
        from sanxiang.cases.events import party_signature_digest
        from sanxiang.cases.models import PartySignature
        from sanxiang.evidence.storage import blob_name, blob_problem

        record = PartySignature.objects.filter(pk=entry.object_id).first()
        if record is None:
            return f"party signature {entry.object_id} no longer exists"
        if entry.action == "cases.partysignature.viewed":
            if entry.content_sha256 != record.image_sha256:
                return f"party signature {record.pk} view records another image"
            return None
        if party_signature_digest(record) != entry.content_sha256:
            return f"party signature {record.pk} no longer matches its event"
        if not record.image_sha256:
            return None
        key = ("blob", record.image_sha256)
        if key not in cache:
            cache[key] = blob_problem(blob_name(record.image_sha256), record.image_sha256)
        problem: str | None = cache[key]
        return problem

    register_event_check("cases.partysignature", check)
