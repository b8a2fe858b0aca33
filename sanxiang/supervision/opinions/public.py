"""What the public learns from a supervision document's 核验码: the same facts as for a case
document (``cases.public.DocumentVerification``), shown by the same portal page."""

from __future__ import annotations

from sanxiang.cases.public import DocumentVerification
from sanxiang.ledger.models import LedgerEntry
from sanxiang.supervision.opinions.events import OpinionEvent
from sanxiang.supervision.opinions.models import Opinion


def opinion_verification_public(code: str) -> DocumentVerification | None:
    opinion = Opinion.objects.select_related("body").filter(verification_code=code[:16]).first()
    if opinion is None:
        return None
    entries = dict(
        LedgerEntry.objects.filter(
            object_type=OpinionEvent.ISSUED.object_type,
            object_id=str(opinion.pk),
            action__in=[OpinionEvent.ISSUED.value, OpinionEvent.PDF_MADE.value],
        ).values_list("action", "index")
    )
    return DocumentVerification(
        kind=opinion.get_kind_display(),
        number=opinion.number,
        agency=opinion.body.name,
        issued_on=opinion.issued_on,
        version=1,
        pdf_sha256=opinion.pdf_sha256,
        docx_sha256=opinion.docx_sha256,
        ledger_index=entries.get(OpinionEvent.ISSUED.value),
        is_latest=True,
        pdf_ledger_index=entries.get(OpinionEvent.PDF_MADE.value),
    )
