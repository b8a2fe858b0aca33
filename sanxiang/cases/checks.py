"""Teach ``sanxiang ledger verify`` to re-hash every stored document version."""

from __future__ import annotations

from typing import Any

from sanxiang.cases.events import document_inputs_sha256
from sanxiang.cases.facts import facts_problem
from sanxiang.ledger.content import batch_key, register_event_check


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
        key = ("blob", entry.content_sha256)
        if key not in cache:
            cache[key] = blob_problem(blob_name(entry.content_sha256), entry.content_sha256)
        problem: str | None = cache[key]
        return problem

    def prefetch(entries: list[Any]) -> dict[str, Any]:
        from sanxiang.cases.models import CaseDocument

        ids = {entry.object_id for entry in entries}
        return {str(d.pk): d for d in CaseDocument.objects.filter(pk__in=ids)}

    register_event_check("cases.casedocument", check, prefetch=prefetch)
    register_event_check("cases.case", facts_problem)
