"""The review app's ledger events and their builders (see ``sanxiang.ledger.events``).

A review's records (送审、审核意见、承办机构的答复、委员会审议) carry the digest of their content
as ``review.content`` states it; ``sanxiang ledger verify`` recomputes it with the same functions
(``review.content.register_review_checks``).
"""

from __future__ import annotations

from typing import Any

from sanxiang.ledger.events import Event, builds, content_digest, record_digest
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.services import SYSTEM
from sanxiang.org.models import Officer
from sanxiang.review.models import (
    CatalogueRule,
    Determination,
    RequiredMaterial,
    Review,
    ReviewDocument,
    ReviewPolicy,
)

REVIEW = "review.review"
DOCUMENT = "review.reviewdocument"


class ReviewEvent(Event):
    SUBMITTED = "review.review.submitted", REVIEW
    OPINION = "review.review.opinion", REVIEW
    ANSWERED = "review.review.answered", REVIEW
    COMMITTEE = "review.review.committee", REVIEW
    # The finding "needs review or not", recorded on the case at each deciding step.
    DETERMINATION_RECORDED = "review.determination.recorded", "cases.case"
    DOCUMENT_GENERATED = "review.document.generated", DOCUMENT
    DOCUMENT_DOWNLOADED = "review.document.downloaded", DOCUMENT
    # Master data loaded from the agency's files (``sanxiang review load``).
    RULE_CREATED = "review.cataloguerule.created", "review.cataloguerule"
    MATERIAL_CREATED = "review.requiredmaterial.created", "review.requiredmaterial"
    POLICY_CREATED = "review.reviewpolicy.created", "review.reviewpolicy"


RECORDS = (ReviewEvent.SUBMITTED, ReviewEvent.OPINION, ReviewEvent.ANSWERED, ReviewEvent.COMMITTEE)
LOADED = {
    CatalogueRule: ReviewEvent.RULE_CREATED,
    RequiredMaterial: ReviewEvent.MATERIAL_CREATED,
    ReviewPolicy: ReviewEvent.POLICY_CREATED,
}


@builds(*RECORDS)
def review_recorded(
    review: Review, actor: Officer, event: ReviewEvent, content: dict[str, object]
) -> LedgerEntry:
    """A review record; ``content`` from ``review.content`` (``round_content`` …)."""
    if event not in RECORDS:
        raise ValueError(f"{event} is not a review record")
    return event.append(
        review.pk,
        actor=actor.ledger_actor,
        agency_id=review.agency_id,
        content_sha256=content_digest(content),
    )


@builds(ReviewEvent.DETERMINATION_RECORDED)
def determination_recorded(determination: Determination, facts: dict[str, Any]) -> LedgerEntry:
    """``facts``: the case's facts the catalogue was matched against."""
    case = determination.case
    content = {
        "case": case.pk,
        "action": determination.action,
        "required": determination.required,
        "rules": determination.rules,
        "facts": facts,
    }
    return ReviewEvent.DETERMINATION_RECORDED.append(
        case.pk,
        actor=determination.actor.ledger_actor,
        agency_id=case.agency_id,
        content_sha256=content_digest(content),
    )


@builds(ReviewEvent.DOCUMENT_GENERATED)
def review_document_generated(document: ReviewDocument, actor: Officer) -> LedgerEntry:
    return ReviewEvent.DOCUMENT_GENERATED.append(
        document.pk,
        actor=actor.ledger_actor,
        agency_id=document.review.agency_id,
        content_sha256=document.pdf_sha256,
    )


@builds(ReviewEvent.DOCUMENT_DOWNLOADED)
def review_document_downloaded(
    document: ReviewDocument, actor: Officer, digest: str
) -> LedgerEntry:
    """``digest``: the form sent (PDF or Word)."""
    return ReviewEvent.DOCUMENT_DOWNLOADED.append(
        document.pk,
        actor=actor.ledger_actor,
        agency_id=document.review.agency_id,
        content_sha256=digest,
    )


@builds(*LOADED.values())
def review_row_loaded(obj: CatalogueRule | RequiredMaterial | ReviewPolicy) -> LedgerEntry:
    return LOADED[type(obj)].append(
        obj.pk, actor=SYSTEM, agency_id=obj.agency_id, content_sha256=record_digest(obj)
    )
