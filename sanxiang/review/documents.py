"""The 法制审核意见书 and the committee's minutes as Word and PDF documents.

They are rendered from rows that never change (opinions and meetings are append-only), so each
is made once, after the opinion or meeting is recorded; the PDF's SHA-256 goes into the ledger.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from sanxiang.cases.documents import convert_to_pdf, render_template
from sanxiang.evidence.storage import blob_name, open_blob, store_blob
from sanxiang.ledger.services import sha256_hex
from sanxiang.org.models import Officer
from sanxiang.review.events import review_document_downloaded, review_document_generated
from sanxiang.review.models import (
    POINT_LABELS,
    CommitteeMeeting,
    Opinion,
    Review,
    ReviewDocument,
    ReviewDocumentKind,
)
from sanxiang.review.selectors import review_get_for
from sanxiang.review.services import ReviewRefused

TEMPLATES = Path(__file__).resolve().parent / "document_templates"


def _header(review: Review) -> dict[str, Any]:
    case = review.case
    return {
        "agency_name": case.agency.name,
        "number": "",
        "case_number": case.number or "（未编号）",
        "case_title": case.title,
        "unit": case.unit.name,
        "handlers": "、".join(case.handlers.order_by("name").values_list("name", flat=True)),
        "need_reason": review.need_reason,
    }


def _opinion_context(review: Review, opinion: Opinion) -> dict[str, Any]:
    round_ = opinion.round
    return {
        **_header(review),
        "round": round_.number,
        "submitted_by": round_.submitted_by.name,
        "submitted_at": f"{timezone.localtime(round_.submitted_at):%Y年%m月%d日 %H:%M}",
        "points": [
            {
                "number": index,
                "label": POINT_LABELS[p.point],
                "conclusion": p.get_conclusion_display(),
                "reasoning": p.reasoning,
            }
            for index, p in enumerate(opinion.points.order_by("pk"), start=1)
        ],
        "conclusion": opinion.get_conclusion_display(),
        "summary": opinion.summary,
        "assisted_by": opinion.assisted_by,
        "reviewer": opinion.reviewer.name,
        "review_body": opinion.reviewer.unit.name,
        "written_on": f"{timezone.localtime(opinion.created_at):%Y年%m月%d日}",
    }


def _minutes_context(review: Review, meeting: CommitteeMeeting) -> dict[str, Any]:
    return {
        **_header(review),
        "held_on": f"{meeting.held_on:%Y年%m月%d日}",
        "place": meeting.place,
        "chair": meeting.chair.name,
        "participants": [
            {
                "name": p.name,
                "capacity": p.get_capacity_display(),
                "view": p.view,
                "vote": p.get_vote_display() or "不参加表决",
            }
            for p in meeting.participants.order_by("pk")
        ],
        "conclusion": meeting.get_conclusion_display(),
        "minutes": meeting.minutes,
        "recorded_by": meeting.recorded_by.name,
    }


def review_document_make(
    *, actor: Officer, review_id: int, kind: str, source_id: int
) -> ReviewDocument:
    """Render the opinion of a round or the minutes of a meeting, store it, record it."""
    review = review_get_for(actor, review_id)
    existing = ReviewDocument.objects.filter(kind=kind, source_id=source_id, review=review).first()
    if existing is not None:
        return existing
    if kind == ReviewDocumentKind.OPINION:
        opinion = Opinion.objects.filter(pk=source_id, round__review=review).first()
        if opinion is None:
            raise ReviewRefused("没有这份审核意见。", log_message=f"opinion {source_id}")
        context = _opinion_context(review, opinion)
    elif kind == ReviewDocumentKind.MINUTES:
        meeting = CommitteeMeeting.objects.filter(pk=source_id, review=review).first()
        if meeting is None:
            raise ReviewRefused("没有这次会议的记录。", log_message=f"meeting {source_id}")
        context = _minutes_context(review, meeting)
    else:
        raise ReviewRefused("没有这种文书。", log_message=f"review document kind {kind!r}")
    docx = render_template(TEMPLATES / f"{kind}.docx", context)
    pdf = convert_to_pdf(docx)
    hashes = []
    for data in (docx, pdf):
        digest = sha256_hex(data)
        store_blob(io.BytesIO(data), digest)
        hashes.append(digest)
    try:
        with transaction.atomic():
            document = ReviewDocument.objects.create(
                review=review, kind=kind, source_id=source_id, docx_sha256=hashes[0],
                pdf_sha256=hashes[1], created_by=actor,
            )  # fmt: skip
            review_document_generated(document, actor)
    except IntegrityError:  # made at the same moment by someone else: theirs stands
        return ReviewDocument.objects.get(kind=kind, source_id=source_id)
    return document


def review_document_open(
    *, actor: Officer, document_id: int, form: str
) -> tuple[ReviewDocument, bytes]:
    """The bytes of a review document; each download is recorded."""
    document = ReviewDocument.objects.filter(pk=document_id).first()
    if document is None:
        raise ReviewRefused("未找到该文书。", log_message=f"review document {document_id}")
    review_get_for(actor, document.review_id)  # raises when out of scope
    digest = document.pdf_sha256 if form == "pdf" else document.docx_sha256
    review_document_downloaded(document, actor, digest)
    with open_blob(blob_name(digest)) as handle:
        return document, handle.read()
