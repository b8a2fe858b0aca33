"""The evidence app's ledger vocabulary: each event written by its builder, with the digest that
``ledger verify`` recomputes from the stored record (``evidence.storage``'s check)."""

from __future__ import annotations

import pytest

from sanxiang.evidence.events import (
    ACCESS_EVENT,
    EvidenceEvent,
    evidence_file_event,
    metadata_sha256,
)
from sanxiang.evidence.services import evidence_correct, evidence_hand_over, evidence_register
from sanxiang.ledger.content import event_check_for
from sanxiang.ledger.models import LedgerEntry
from tests.evidence.conftest import metadata, upload


@pytest.fixture
def written(people):
    """One record registered, corrected, handed over and opened every way: every event once."""
    from sanxiang.evidence.services import evidence_open

    item = evidence_register(actor=people.zhang, upload=upload(), metadata=metadata(people))
    item = evidence_correct(
        actor=people.zhang, item_id=item.pk, changes={"location": "人民路 2 号"}, reason="笔误"
    )
    evidence_hand_over(actor=people.zhang, item_id=item.pk, to_officer=people.li, reason="移交")
    for action in ACCESS_EVENT:
        evidence_open(actor=people.li, item_id=item.pk, action=action)
    return item


@pytest.mark.parametrize("event", [e for e in EvidenceEvent if e != EvidenceEvent.TARGET_CREATED])
def test_every_record_event_carries_the_digest_verify_recomputes(written, event):
    entry = LedgerEntry.objects.filter(action=event.value).last()
    assert entry is not None, f"no {event.value} written"
    item = type(written).objects.get(pk=entry.object_id)
    if event in (EvidenceEvent.CREATED, EvidenceEvent.CORRECTED):
        assert entry.content_sha256 == metadata_sha256(item)
    else:
        assert entry.content_sha256 == item.blob_id
    check = event_check_for("evidence.evidenceitem")
    assert check is not None and check(entry, {}) is None


def test_a_file_event_is_not_taken_for_a_metadata_event(written):
    with pytest.raises(ValueError, match="not about the record's file"):
        evidence_file_event(written, EvidenceEvent.CREATED, actor="system")


def test_a_new_target_is_recorded_once_without_content(people):
    from sanxiang.evidence.services import TargetSpec, target_register

    spec = TargetSpec(kind="person", name="王某", identifier="11010519491231002X")
    target = target_register(actor=people.zhang, spec=spec)
    assert target_register(actor=people.zhang, spec=spec) == target
    entries = LedgerEntry.objects.filter(action=EvidenceEvent.TARGET_CREATED.value)
    assert [(e.object_id, e.content_sha256) for e in entries] == [(str(target.pk), "")]
