"""The disclosure app's ledger vocabulary: each event written by its builder with its action
string and digest; what the public reads carries the SHA-256 of the published text itself."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import partial

import pytest

from sanxiang.disclosure import events
from sanxiang.disclosure.events import DisclosureEvent
from sanxiang.disclosure.models import AnnualReport, Delivery, ListingSnapshot
from sanxiang.ledger.events import content_digest
from sanxiang.ledger.models import LedgerEntry
from tests.ledger.test_state_digests import published  # noqa: F401


def test_a_published_decision_carries_the_sha256_of_its_public_text(published):  # noqa: F811
    entry = LedgerEntry.objects.filter(
        action=DisclosureEvent.PUBLISHED.value, object_id=str(published.pk)
    ).last()
    assert entry is not None
    assert entry.content_sha256 == hashlib.sha256(published.public_text.encode()).hexdigest()
    opened = LedgerEntry.objects.filter(
        action=DisclosureEvent.OPENED.value, object_id=str(published.pk)
    ).first()
    assert opened is not None


def test_every_disclosure_event_is_written_by_its_builder_with_its_digest(published):  # noqa: F811
    agency_id = published.agency_id
    delivery = Delivery(pk=7, publication=published, payload_sha256="f" * 64)
    snapshot = ListingSnapshot(pk=8, agency_id=agency_id, sha256="e" * 64)
    report = AnnualReport(pk=9, agency_id=agency_id, sha256="d" * 64)
    content = {"reason": "测试"}
    writes: dict[DisclosureEvent, tuple[Callable[[], LedgerEntry], str]] = {
        **{
            event: (
                partial(events.publication_recorded, published, "system", event, content),
                content_digest(content),
            )
            for event in events.STEPS
        },
        **{
            event: (
                partial(events.publication_text_published, published, "system", event),
                published.public_sha256,
            )
            for event in events.TEXTS
        },
        **{
            event: (
                partial(events.delivery_recorded, delivery, "system", event),
                "f" * 64,
            )
            for event in events.DELIVERIES
        },
        DisclosureEvent.LISTING_PUBLISHED: (
            lambda: events.listing_published(snapshot, "system"),
            "e" * 64,
        ),
        DisclosureEvent.ANNUAL_REPORT_PUBLISHED: (
            lambda: events.annual_report_published(report, "system"),
            "d" * 64,
        ),
    }
    assert set(writes) == set(DisclosureEvent)
    for event, (write, digest) in writes.items():
        entry = write()
        assert (entry.action, entry.object_type) == (event.value, event.object_type)
        assert (entry.content_sha256, entry.agency_id) == (digest, agency_id)


def test_a_step_is_not_taken_for_a_published_text(published):  # noqa: F811
    with pytest.raises(ValueError, match="is not one of"):
        events.publication_recorded(published, "system", DisclosureEvent.PUBLISHED, {})
