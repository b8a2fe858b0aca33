"""The 行政执法监督意见书 / 责令纠正通知书 as a document: Word from the template (A4, core/paper.py,
with the QR code of the portal's verification page), PDF afterwards as for case documents."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.db import transaction

from sanxiang.cases.documents import convert_to_pdf, render_template, verify_url
from sanxiang.evidence.storage import blob_name, open_blob, store_blob
from sanxiang.ledger.services import sha256_hex
from sanxiang.supervision.opinions.events import opinion_pdf_made
from sanxiang.supervision.opinions.models import Opinion, OpinionBasis, OpinionKind

TEMPLATE = Path(__file__).resolve().parents[1] / "document_templates" / "opinion.docx"


def _date(value: Any) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def opinion_context(opinion: Opinion, bases: list[OpinionBasis]) -> dict[str, Any]:
    order = opinion.kind == OpinionKind.ORDER
    case = opinion.case
    return {
        "title": opinion.get_kind_display(),
        "agency_name": opinion.body.name,
        "body_name": opinion.body.name,
        "number": opinion.number,
        "addressee": opinion.agency.name,
        "case_number": case.number or f"平台序号 {case.pk}",
        "case_title": case.title,
        "legal_point": opinion.get_legal_point_display() if opinion.legal_point else "",
        "problems": opinion.problems,
        "requirement_label": "纠正要求" if order else "监督意见",
        "requirement": opinion.requirement,
        "bases": "；".join(b.citation for b in bases),
        "answer_due_on": _date(opinion.answer_due_on),
        "period_workdays": opinion.period_workdays,
        "answer_what": "纠正情况" if order else "落实情况",
        "issued_by": opinion.issued_by.name,
        "issued_on": _date(opinion.issued_on),
        "verify_url": verify_url(opinion.verification_code),
        "verification_code": opinion.verification_code,
    }


def opinion_docx(opinion: Opinion, bases: list[OpinionBasis]) -> bytes:
    return render_template(TEMPLATE, opinion_context(opinion, bases))


def opinion_docx_store(docx: bytes) -> str:
    digest = sha256_hex(docx)
    store_blob(io.BytesIO(docx), digest)
    return digest


def opinion_pdf_ensure(opinion_id: int) -> Opinion:
    """The opinion with its PDF, converting the recorded Word file now if nobody has yet
    (idempotent: one PDF, one ledger event, as ``cases.pdf.document_pdf_ensure``)."""
    opinion = Opinion.objects.get(pk=opinion_id)
    if opinion.pdf_sha256:
        return opinion
    with open_blob(blob_name(opinion.docx_sha256)) as handle:
        pdf = convert_to_pdf(handle.read())
    digest = sha256_hex(pdf)
    store_blob(io.BytesIO(pdf), digest)
    with transaction.atomic():
        locked = Opinion.objects.select_for_update().get(pk=opinion_id)
        if not locked.pdf_sha256:
            locked.pdf_sha256 = digest
            locked.save(update_fields=["pdf_sha256"])
            opinion_pdf_made(locked)
    return locked


def opinion_file(opinion: Opinion, form: str) -> bytes:
    """The Word or PDF bytes of the document (the PDF made now if still missing)."""
    if form == "pdf":
        opinion = opinion_pdf_ensure(opinion.pk)
    digest = opinion.pdf_sha256 if form == "pdf" else opinion.docx_sha256
    with open_blob(blob_name(digest)) as handle:
        data: bytes = handle.read()
    return data
