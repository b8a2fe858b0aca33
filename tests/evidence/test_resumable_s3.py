"""Resumable uploads (tus) with the evidence store on S3: real SeaweedFS, Object Lock bucket."""

from __future__ import annotations

import hashlib
import os
from datetime import date

import pytest

from sanxiang.cases.models import Procedure, evidence_reference
from sanxiang.cases.services import NewCase, case_open
from sanxiang.evidence.models import EvidenceItem, ResumableUpload
from sanxiang.evidence.resumable import scratch_path
from sanxiang.evidence.storage import blob_name
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.verify import verify_ledger
from sanxiang.org.models import EnforcementCategory
from tests.evidence.test_resumable import TUS, create, patch
from tests.evidence.test_s3 import BUCKET, client, s3_evidence, seaweedfs  # noqa: F401 (fixtures)

# S3 signatures need the real clock (see test_s3.py).
pytestmark = [pytest.mark.real_clock, pytest.mark.usefixtures("s3_evidence")]

CHUNK = 256 * 1024
VIDEO = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00" + os.urandom(5 * CHUNK + 12345)


@pytest.fixture(autouse=True)
def _small_chunks(settings):
    settings.SANXIANG_RESUMABLE_CHUNK_MAX_BYTES = CHUNK


@pytest.fixture
def case_number(people) -> str:
    """A real case 张伟 handles, under its own number (``ledger verify`` checks the case too)."""
    case = case_open(
        actor=people.zhang,
        new=NewCase(
            procedure=Procedure.PENALTY_GENERAL, title="擅自占用城市道路经营", source="巡查发现",
            category=EnforcementCategory.objects.get(name="城市管理"),
            violation_on=date(2026, 3, 2), clue_received_on=date(2026, 3, 2),
        ),
    )  # fmt: skip
    return evidence_reference(case)


@pytest.fixture
def zhang(client, people):
    client.force_login(people.zhang.user)
    return client


def send(client_, url, data, start=0):
    response = None
    for offset in range(start, len(data), CHUNK):
        response = patch(client_, url, offset, data[offset : offset + CHUNK])
        assert response.status_code == 204, response.content.decode()
    return response


def test_a_recording_sent_in_chunks_lands_in_the_bucket_under_its_hash(zhang, people, case_number):
    created = create(zhang, people, length=len(VIDEO), case_number=case_number)
    assert created.status_code == 201, created.content.decode()
    url = created["Location"]
    upload = ResumableUpload.objects.get()
    send(zhang, url, VIDEO[: 3 * CHUNK])
    assert EvidenceItem.objects.count() == 0
    assert "Contents" not in client().list_objects_v2(Bucket=BUCKET, Prefix="sha256/")
    last = send(zhang, url, VIDEO, start=3 * CHUNK)
    item = EvidenceItem.objects.get()
    digest = hashlib.sha256(VIDEO).hexdigest()
    assert last["Sanxiang-Evidence"].endswith(f"/{item.pk}/")
    assert item.blob_id == digest and item.blob.storage_name == blob_name(digest)
    stored = client().get_object(Bucket=BUCKET, Key=blob_name(digest))
    assert stored["Body"].read() == VIDEO
    assert (
        client().get_object_retention(Bucket=BUCKET, Key=blob_name(digest))["Retention"]["Mode"]
        == "COMPLIANCE"
    )
    assert (
        LedgerEntry.objects.filter(action="evidence.created", object_id=str(item.pk)).count() == 1
    )
    assert not scratch_path(upload).exists()
    head = zhang.head(url, **TUS)
    assert head["Upload-Offset"] == str(len(VIDEO)) and head["Sanxiang-Evidence"]
    report = verify_ledger()
    assert report.ok, report.problem
