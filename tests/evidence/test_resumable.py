"""Resumable uploads (tus 1.0): a large recording sent in chunks becomes ordinary evidence."""

from __future__ import annotations

import base64
import os
import subprocess
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sanxiang.evidence.models import Blob, EvidenceItem, ResumableUpload
from sanxiang.evidence.resumable import scratch_path, uploads_expire
from sanxiang.evidence.storage import Digests
from sanxiang.ledger.models import LedgerEntry
from tests.evidence.test_views import zhangs_case  # noqa: F401 (a fixture)

CHUNK = 64 * 1024
VIDEO = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00" + os.urandom(3 * CHUNK - 1000)
TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}


@pytest.fixture(autouse=True)
def _small_chunks(settings):
    settings.SANXIANG_RESUMABLE_CHUNK_MAX_BYTES = CHUNK


def fields(people, **changes):
    return {
        "case_number": "测城执罚〔2026〕1号",
        "kind": "video",
        "collected_at": "2026-03-02T10:30",
        "location": "人民路 100 号",
        "collector": people.zhang.pk,
        "proves": "占道经营",
        "device": "DSJ-001",
        **changes,
    }


def create(client, people, length=None, **changes):
    name = base64.b64encode("执法记录仪.mp4".encode()).decode()
    return client.post(
        reverse("evidence:resumable-create"),
        fields(people, **changes),
        HTTP_UPLOAD_LENGTH=str(len(VIDEO) if length is None else length),
        HTTP_UPLOAD_METADATA=f"filename {name}",
        **TUS,
    )


def patch(client, url, offset, body):
    return client.generic(
        "PATCH",
        url,
        body,
        content_type="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET=str(offset),
        **TUS,
    )


def send_all(client, url, data=VIDEO, start=0):
    response = None
    for offset in range(start, len(data), CHUNK):
        response = patch(client, url, offset, data[offset : offset + CHUNK])
        assert response.status_code == 204, response.content.decode()
        assert response["Upload-Offset"] == str(min(offset + CHUNK, len(data)))
    return response


def test_chunks_sent_in_order_become_one_evidence_item_hashed_like_sha256sum(
    as_zhang, people, tmp_path
):
    created = create(as_zhang, people)
    assert created.status_code == 201
    url = created["Location"]
    last = send_all(as_zhang, url)
    item = EvidenceItem.objects.get()
    assert last["Sanxiang-Evidence"] == reverse("evidence:detail", args=[item.pk])
    original = tmp_path / "video.mp4"
    original.write_bytes(VIDEO)
    sha256sum = subprocess.run(
        ["sha256sum", str(original)], capture_output=True, text=True, check=True
    ).stdout.split()[0]
    expected = Digests()
    expected.update(VIDEO)
    assert (item.blob_id, item.blob.sm3, item.blob.size) == (sha256sum, expected.sm3, len(VIDEO))
    assert item.original_filename == "执法记录仪.mp4"
    assert item.blob.content_type == "video/mp4"
    assert LedgerEntry.objects.filter(action="evidence.created", object_id=str(item.pk)).exists()
    assert not scratch_path(ResumableUpload.objects.get()).exists()
    # HEAD after the end still tells where the evidence is (a client whose answer was lost).
    head = as_zhang.head(url, **TUS)
    assert head["Upload-Offset"] == str(len(VIDEO))
    assert head["Sanxiang-Evidence"] == last["Sanxiang-Evidence"]


def test_nothing_becomes_evidence_before_the_last_chunk(as_zhang, people, _evidence_storage):
    url = create(as_zhang, people)["Location"]
    assert patch(as_zhang, url, 0, VIDEO[:CHUNK]).status_code == 204
    assert patch(as_zhang, url, CHUNK, VIDEO[CHUNK : 2 * CHUNK]).status_code == 204
    assert EvidenceItem.objects.count() == 0 and Blob.objects.count() == 0
    assert not (_evidence_storage / "sha256").exists()
    assert as_zhang.head(url, **TUS)["Upload-Offset"] == str(2 * CHUNK)


def test_a_chunk_at_another_offset_than_recorded_is_refused_409(as_zhang, people):
    url = create(as_zhang, people)["Location"]
    patch(as_zhang, url, 0, VIDEO[:CHUNK])
    again = patch(as_zhang, url, 0, VIDEO[:CHUNK])  # a retry of a chunk already taken
    ahead = patch(as_zhang, url, 2 * CHUNK, VIDEO[2 * CHUNK :])
    assert (again.status_code, ahead.status_code) == (409, 409)
    assert "分片位置" in again.json()["error"]
    assert as_zhang.head(url, **TUS)["Upload-Offset"] == str(CHUNK)
    send_all(as_zhang, url, start=CHUNK)
    assert EvidenceItem.objects.get().blob.size == len(VIDEO)


def test_too_large_a_file_or_chunk_is_refused_413(as_zhang, people, settings):
    settings.SANXIANG_EVIDENCE_MAX_BYTES = len(VIDEO)
    too_big = create(as_zhang, people, length=len(VIDEO) + 1)
    assert too_big.status_code == 413 and "上限" in too_big.json()["error"]
    assert not ResumableUpload.objects.exists()
    url = create(as_zhang, people)["Location"]
    over_chunk = patch(as_zhang, url, 0, VIDEO[: CHUNK + 1])
    assert over_chunk.status_code == 413 and "分片" in over_chunk.json()["error"]
    short = create(as_zhang, people, length=CHUNK // 2)["Location"]
    past_end = patch(as_zhang, short, 0, VIDEO[:CHUNK])
    assert past_end.status_code == 413
    assert as_zhang.head(url, **TUS)["Upload-Offset"] == "0"


def test_another_officers_upload_is_not_found(as_zhang, people):
    url = create(as_zhang, people)["Location"]
    client = Client(headers={"Tus-Resumable": "1.0.0"})
    client.force_login(people.li.user)
    assert client.head(url).status_code == 404
    assert patch(client, url, 0, VIDEO[:CHUNK]).status_code == 404
    assert client.delete(url).status_code == 404
    assert as_zhang.head(url, **TUS)["Upload-Offset"] == "0"
    assert as_zhang.head(url.replace("-", "x"), **TUS).status_code == 404


def test_the_wrong_kind_of_file_is_refused_at_the_first_chunk(as_zhang, people):
    url = create(as_zhang, people)["Location"]
    upload = ResumableUpload.objects.get()
    response = patch(as_zhang, url, 0, b"%PDF-1.7\n" + VIDEO[9:CHUNK])
    assert response.status_code == 415 and "录像" in response.json()["error"]
    assert not ResumableUpload.objects.exists() and not scratch_path(upload).exists()


def test_metadata_is_checked_at_creation_and_a_refusal_at_the_end_stores_nothing(as_zhang, people):
    refused = create(as_zhang, people, case_number="测城执罚〔2026〕2号")
    assert refused.status_code == 400 and "不能为案件" in refused.json()["error"]
    url = create(as_zhang, people, declared_sha256="0" * 64)["Location"]
    send_all(as_zhang, url, data=VIDEO[: 2 * CHUNK])
    last = patch(as_zhang, url, 2 * CHUNK, VIDEO[2 * CHUNK :])
    assert last.status_code == 422 and "SHA-256" in last.json()["error"]
    assert EvidenceItem.objects.count() == 0 and Blob.objects.count() == 0
    assert "未登记" in as_zhang.get(url, **TUS).json()["error"]


def test_abandoned_uploads_expire_with_their_files(as_zhang, people):
    url = create(as_zhang, people)["Location"]
    patch(as_zhang, url, 0, VIDEO[:CHUNK])
    upload = ResumableUpload.objects.get()
    assert scratch_path(upload).stat().st_size == CHUNK
    assert uploads_expire() == 0
    assert uploads_expire(now=timezone.now() + timedelta(days=3)) == 1
    assert not ResumableUpload.objects.exists() and not scratch_path(upload).exists()
    assert as_zhang.head(url, **TUS).status_code == 404
