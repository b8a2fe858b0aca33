"""The disclosure app's ledger events and their builders (see ``sanxiang.ledger.events``).

What the public reads carries the SHA-256 of the text or JSON published, so anyone can hash it
and find it in the log; the steps around a publication carry the digest of what they record.
"""

from __future__ import annotations

from sanxiang.disclosure.models import AnnualReport, Delivery, ListingSnapshot, Publication
from sanxiang.ledger.events import Event, builds, content_digest
from sanxiang.ledger.models import LedgerEntry

PUBLICATION = "disclosure.publication"
DELIVERY = "disclosure.delivery"


class DisclosureEvent(Event):
    OPENED = "disclosure.publication.opened", PUBLICATION
    PUBLISHED = "disclosure.publication.published", PUBLICATION
    CORRECTED = "disclosure.publication.corrected", PUBLICATION
    WITHDRAWAL_DUE = "disclosure.publication.withdrawal_due", PUBLICATION
    WITHDRAWN = "disclosure.publication.withdrawn", PUBLICATION
    EXEMPTED = "disclosure.publication.exempted", PUBLICATION
    CREDIT_SET = "disclosure.publication.credit_set", PUBLICATION
    DELIVERY_SENT = "disclosure.delivery.sent", DELIVERY
    DELIVERY_DEAD = "disclosure.delivery.dead", DELIVERY
    DELIVERY_RETRIED = "disclosure.delivery.retried", DELIVERY
    LISTING_PUBLISHED = "disclosure.listing.published", "disclosure.listing"
    ANNUAL_REPORT_PUBLISHED = "disclosure.annual_report.published", "disclosure.annualreport"


STEPS = (
    DisclosureEvent.OPENED,
    DisclosureEvent.WITHDRAWAL_DUE,
    DisclosureEvent.WITHDRAWN,
    DisclosureEvent.EXEMPTED,
    DisclosureEvent.CREDIT_SET,
)
TEXTS = (DisclosureEvent.PUBLISHED, DisclosureEvent.CORRECTED)
DELIVERIES = (
    DisclosureEvent.DELIVERY_SENT,
    DisclosureEvent.DELIVERY_DEAD,
    DisclosureEvent.DELIVERY_RETRIED,
)


def _check(event: DisclosureEvent, family: tuple[DisclosureEvent, ...]) -> None:
    if event not in family:
        raise ValueError(f"{event} is not one of {[e.value for e in family]}")


def _about_publication(
    publication: Publication, actor: str, event: Event, digest: str
) -> LedgerEntry:
    return event.append(
        publication.pk, actor=actor, agency_id=publication.agency_id, content_sha256=digest
    )


@builds(*STEPS)
def publication_recorded(
    publication: Publication, actor: str, event: DisclosureEvent, content: object
) -> LedgerEntry:
    """A step around a publication (opened, withdrawal due …) with what it recorded."""
    _check(event, STEPS)
    return _about_publication(publication, actor, event, content_digest(content))


@builds(*TEXTS)
def publication_text_published(
    publication: Publication, actor: str, event: DisclosureEvent
) -> LedgerEntry:
    """The public text as now published (first or corrected): its own SHA-256."""
    _check(event, TEXTS)
    return _about_publication(publication, actor, event, publication.public_sha256)


@builds(*DELIVERIES)
def delivery_recorded(delivery: Delivery, actor: str, event: DisclosureEvent) -> LedgerEntry:
    """A push delivered, given up on, or queued again by an officer."""
    _check(event, DELIVERIES)
    return event.append(
        delivery.pk,
        actor=actor,
        agency_id=delivery.publication.agency_id,
        content_sha256=delivery.payload_sha256,
    )


@builds(DisclosureEvent.LISTING_PUBLISHED)
def listing_published(snapshot: ListingSnapshot, actor: str) -> LedgerEntry:
    return DisclosureEvent.LISTING_PUBLISHED.append(
        snapshot.pk, actor=actor, agency_id=snapshot.agency_id, content_sha256=snapshot.sha256
    )


@builds(DisclosureEvent.ANNUAL_REPORT_PUBLISHED)
def annual_report_published(report: AnnualReport, actor: str) -> LedgerEntry:
    # Anyone can hash the published JSON and find it in the log.
    return DisclosureEvent.ANNUAL_REPORT_PUBLISHED.append(
        report.pk, actor=actor, agency_id=report.agency_id, content_sha256=report.sha256
    )
