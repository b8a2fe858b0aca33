"""Registering a record: required metadata, declared hashes, types, nothing left behind."""

from __future__ import annotations

import hashlib
import json

import pytest

from sanxiang.evidence.models import Blob, EvidenceItem
from sanxiang.evidence.services import (
    EvidenceRefused,
    evidence_register,
    metadata_fields,
    metadata_sha256,
)
from sanxiang.evidence.storage import blob_name
from sanxiang.ledger.models import LedgerEntry
from tests.evidence.conftest import JPEG, MP4, metadata, upload


def stored_files(root):
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_photo_is_stored_by_its_hash_with_sha256_and_sm3(people, _evidence_storage):
    item = evidence_register(actor=people.zhang, upload=upload(), metadata=metadata(people))
    assert item.blob.sha256 == hashlib.sha256(JPEG).hexdigest()
    assert item.blob.sm3 == hashlib.new("sm3", JPEG).hexdigest()
    assert (item.blob.size, item.blob.content_type) == (len(JPEG), "image/jpeg")
    path = _evidence_storage / blob_name(item.blob.sha256)
    assert path.read_bytes() == JPEG
    event = LedgerEntry.objects.get(action="evidence.created")
    assert (event.object_id, event.content_sha256) == (str(item.pk), metadata_sha256(item))
    assert item.blob.sha256 in json.dumps(metadata_fields(item)), "the metadata pins the file"


def test_the_same_file_twice_is_stored_once(people, _evidence_storage):
    first = evidence_register(actor=people.zhang, upload=upload(), metadata=metadata(people))
    second = evidence_register(
        actor=people.li,
        upload=upload(),
        metadata=metadata(people, case_number="测城执罚〔2026〕2号"),
    )
    assert first.blob_id == second.blob_id
    assert Blob.objects.count() == 1 and len(stored_files(_evidence_storage)) == 1


def test_missing_metadata_is_refused_naming_each_field(people, _evidence_storage):
    with pytest.raises(EvidenceRefused) as caught:
        evidence_register(
            actor=people.zhang,
            upload=upload(),
            metadata=metadata(people, location="", proves="", device=""),
        )
    assert "采集地点、证明对象、采集设备" in caught.value.message
    assert not EvidenceItem.objects.exists() and stored_files(_evidence_storage) == []


def test_bytes_that_do_not_match_the_declared_hash_are_refused(people, _evidence_storage):
    declared = hashlib.sha256(JPEG + b"original").hexdigest()
    with pytest.raises(EvidenceRefused, match="不一致"):
        evidence_register(
            actor=people.zhang, upload=upload(), metadata=metadata(people), declared_sha256=declared
        )
    assert not EvidenceItem.objects.exists() and stored_files(_evidence_storage) == []


def test_a_matching_declared_hash_is_accepted(people):
    item = evidence_register(
        actor=people.zhang,
        upload=upload(),
        metadata=metadata(people),
        declared_sha256=hashlib.sha256(JPEG).hexdigest(),
    )
    assert item.pk


def test_a_file_that_is_not_what_its_kind_says_is_refused(people, _evidence_storage):
    with pytest.raises(EvidenceRefused, match="应为MP4、MOV、AVI 或 WebM 录像"):
        evidence_register(
            actor=people.zhang, upload=upload(JPEG), metadata=metadata(people, kind="full_video")
        )
    with pytest.raises(EvidenceRefused, match="应为JPEG、PNG 或 HEIC 照片"):
        evidence_register(
            actor=people.zhang,
            upload=upload(b"\x00\x01binary junk" * 10),
            metadata=metadata(people),
        )
    assert stored_files(_evidence_storage) == []


def test_full_process_video_is_accepted(people):
    item = evidence_register(
        actor=people.zhang,
        upload=upload(MP4, "全程录像.mp4"),
        metadata=metadata(people, kind="full_video"),
    )
    assert item.blob.content_type == "video/mp4"


def test_collector_without_a_valid_certificate_that_day_is_refused(people):
    """行政处罚法第四十二条: records are collected by officers holding enforcement certificates."""
    certificate = people.li.certificates.get()
    certificate.valid_until = certificate.valid_from
    certificate.save()
    with pytest.raises(EvidenceRefused, match="第四十二条"):
        evidence_register(
            actor=people.zhang, upload=upload(), metadata=metadata(people, collector=people.li)
        )


def test_collector_from_another_agency_is_refused(people):
    with pytest.raises(EvidenceRefused, match="本执法主体"):
        evidence_register(
            actor=people.zhang,
            upload=upload(),
            metadata=metadata(people, collector=people.outsider),
        )


def test_a_supervisor_cannot_register_records(people):
    with pytest.raises(EvidenceRefused, match="只有在岗的执法人员"):
        evidence_register(actor=people.supervisor, upload=upload(), metadata=metadata(people))


def test_a_failure_after_storing_leaves_no_orphan_blob(people, _evidence_storage, monkeypatch):
    import sanxiang.ledger.events as events

    def broken(**kwargs):
        raise RuntimeError("ledger unavailable")

    monkeypatch.setattr(events, "ledger_append", broken)
    with pytest.raises(RuntimeError):
        evidence_register(actor=people.zhang, upload=upload(), metadata=metadata(people))
    assert not EvidenceItem.objects.exists() and not Blob.objects.exists()
    assert stored_files(_evidence_storage) == []


def test_a_failed_upload_never_removes_a_blob_another_registration_uses(people, _evidence_storage):
    """Upload A stored the bytes first, upload B of the same bytes committed, then A failed:
    A's clean-up must leave the file, because B's record points to it."""
    from sanxiang.evidence.services import _discard_unreferenced
    from sanxiang.evidence.storage import store_blob

    handle = upload().handle
    sha = hashlib.sha256(JPEG).hexdigest()
    name, stored_by_a = store_blob(handle, sha)
    assert stored_by_a
    evidence_register(actor=people.li, upload=upload(), metadata=metadata(people))  # B
    _discard_unreferenced(sha, name)  # A's failure path
    assert (_evidence_storage / name).read_bytes() == JPEG


def test_a_registration_restores_bytes_a_failed_concurrent_upload_removed(
    people, _evidence_storage, monkeypatch
):
    """B found the file already stored (by A) and skipped copying; A failed and removed it
    before B's transaction: B copies it again under the blob's lock."""
    from sanxiang.evidence.storage import store_blob

    calls = []

    def store_then_lose(handle, sha256):
        calls.append(sha256)
        if len(calls) == 1:  # B's first attempt: "already there" (A's copy), which A then removes
            return blob_name(sha256), False
        return store_blob(handle, sha256)

    monkeypatch.setattr("sanxiang.evidence.services.store_blob", store_then_lose)
    item = evidence_register(actor=people.zhang, upload=upload(), metadata=metadata(people))
    assert len(calls) == 2
    assert (_evidence_storage / blob_name(item.blob_id)).read_bytes() == JPEG
