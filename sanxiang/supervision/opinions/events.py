"""Ledger events of 执法监督意见 (see ``sanxiang.ledger.events``). Every leaf goes to the log of
the case's agency: the agency must answer, and its log is where its case's history is proven."""

from __future__ import annotations

from sanxiang.ledger.events import Event, builds, content_digest, record_digest
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.services import SYSTEM
from sanxiang.supervision.opinions.models import Opinion, OpinionAttachment, OpinionStep

OPINION = "supervision.opinion"


class OpinionEvent(Event):
    ISSUED = "supervision.opinion.issued", OPINION
    ANSWERED = "supervision.opinion.answered", OPINION
    ACCEPTED = "supervision.opinion.accepted", OPINION
    RETURNED = "supervision.opinion.returned", OPINION
    PDF_MADE = "supervision.opinion.pdf_made", OPINION


STEP_EVENTS = {
    "answered": OpinionEvent.ANSWERED,
    "accepted": OpinionEvent.ACCEPTED,
    "returned": OpinionEvent.RETURNED,
}


@builds(OpinionEvent.ISSUED)
def opinion_issued(opinion: Opinion, *, actor: str) -> LedgerEntry:
    """A supervisor issued the document; the leaf carries the Word file's SHA-256, so the
    public verification page can show that the file handed out is the one recorded."""
    return OpinionEvent.ISSUED.append(
        opinion.pk,
        actor=actor,
        agency_id=opinion.agency_id,
        content_sha256=opinion.docx_sha256,
    )


@builds(OpinionEvent.ANSWERED, OpinionEvent.ACCEPTED, OpinionEvent.RETURNED)
def opinion_step_recorded(
    step: OpinionStep, *, actor: str, attachments: list[OpinionAttachment] | None = None
) -> LedgerEntry:
    """The agency answered, or the body accepted or returned the answer."""
    return STEP_EVENTS[step.kind].append(
        step.opinion_id,
        actor=actor,
        agency_id=step.opinion.agency_id,
        content_sha256=step_digest(step, attachments or []),
    )


def step_digest(step: OpinionStep, attachments: list[OpinionAttachment]) -> str:
    """The step's row; with files, also each file's SHA-256 and name, in the order sent (a
    step without files keeps the plain row digest it always had)."""
    if not attachments:
        return record_digest(step)
    return content_digest(
        {
            "step": record_digest(step),
            "attachments": [[a.blob_id, a.filename] for a in attachments],
        }
    )


@builds(OpinionEvent.PDF_MADE)
def opinion_pdf_made(opinion: Opinion) -> LedgerEntry:
    return OpinionEvent.PDF_MADE.append(
        opinion.pk, actor=SYSTEM, agency_id=opinion.agency_id, content_sha256=opinion.pdf_sha256
    )
