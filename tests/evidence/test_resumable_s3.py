"""Resumable uploads (tus) with the evidence store on S3: real SeaweedFS, Object Lock bucket."""

from __future__ import annotations

import hashlib
import os
from datetime import date

import pytest
from django.urls import reverse

from sanxiang.cases.models import Procedure, evidence_reference
from sanxiang.cases.services import NewCase, case_open
from sanxiang.core.work import run
from sanxiang.evidence.models import EvidenceItem, ResumableUpload
from sanxiang.evidence.resumable import FINISH_WORK, UploadProblem, scratch_path
from sanxiang.evidence.storage import blob_name
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.verify import verify_ledger
from sanxiang.org.models import EnforcementCategory
from tests.evidence.test_resumable import TUS, create, patch
from tests.evidence.test_s3 import BUCKET, client, s3_evidence, seaweedfs  # noqa: F401 (fixtures)

# S3 signatures need the real clock (see test_s3.py).
pytestmark = [pytest.mark.real_clock, pytest.mark.usefixtures("s3_evidence")]

CHUNK = 256 * 1024


def video() -> bytes:
    """A recording of its own for each test (the bucket keeps what earlier tests stored)."""
    return b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00" + os.urandom(5 * CHUNK + 12345)


def in_bucket(digest: str) -> bool:
    return "Contents" in client().list_objects_v2(Bucket=BUCKET, Prefix=blob_name(digest))


def register_in_background(upload_id) -> None:
    """What the job queue's worker (or the web process's worker thread) runs."""
    run(FINISH_WORK, {"upload_id": str(upload_id)})


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


def test_a_recording_sent_in_chunks_lands_in_the_bucket_under_its_hash(
    zhang, people, case_number, django_capture_on_commit_callbacks
):
    data = video()
    digest = hashlib.sha256(data).hexdigest()
    created = create(zhang, people, length=len(data), case_number=case_number)
    assert created.status_code == 201, created.content.decode()
    url = created["Location"]
    upload = ResumableUpload.objects.get()
    send(zhang, url, data[: 3 * CHUNK])
    assert EvidenceItem.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=False) as asked:
        last = send(zhang, url, data, start=3 * CHUNK)
    # The last chunk is answered at once: the copy into the bucket is left to background work.
    assert len(asked) == 1
    assert last["Sanxiang-Registering"] == "1" and not last.has_header("Sanxiang-Evidence")
    assert EvidenceItem.objects.count() == 0 and not in_bucket(digest)
    state = zhang.get(url, **TUS).json()
    assert state["registering"].startswith("文件已全部收到，正在存入证据库并登记")
    assert zhang.delete(url, **TUS).status_code == 409  # no abandoning a file being registered

    register_in_background(upload.pk)
    item = EvidenceItem.objects.get()
    assert item.blob_id == digest and item.blob.storage_name == blob_name(digest)
    assert item.created_by == people.zhang and item.blob.sm3 == hashlib.new("sm3", data).hexdigest()
    assert client().get_object(Bucket=BUCKET, Key=blob_name(digest))["Body"].read() == data
    assert (
        client().get_object_retention(Bucket=BUCKET, Key=blob_name(digest))["Retention"]["Mode"]
        == "COMPLIANCE"
    )
    events = LedgerEntry.objects.filter(action="evidence.created", object_id=str(item.pk))
    assert [event.actor for event in events] == [f"user:{people.zhang.user_id}"]
    assert not scratch_path(upload).exists()
    assert zhang.get(url, **TUS).json()["evidence"] == reverse("evidence:detail", args=[item.pk])
    head = zhang.head(url, **TUS)
    assert head["Upload-Offset"] == str(len(data)) and head["Sanxiang-Evidence"]
    # The work run again (a retry, a second job asked for by the page): nothing changes.
    register_in_background(upload.pk)
    assert EvidenceItem.objects.count() == 1 and events.count() == 1
    report = verify_ledger()
    assert report.ok, report.problem


def test_a_bucket_that_fails_keeps_the_file_for_the_retry_which_registers_it_once(
    zhang, people, case_number, settings, django_capture_on_commit_callbacks
):
    data = video()
    digest = hashlib.sha256(data).hexdigest()
    url = create(zhang, people, length=len(data), case_number=case_number)["Location"]
    upload = ResumableUpload.objects.get()
    with django_capture_on_commit_callbacks(execute=False):
        send(zhang, url, data)
    working = settings.STORAGES["evidence"]
    broken = {**working, "OPTIONS": {**working["OPTIONS"], "secret_key": "wrong"}}
    settings.STORAGES = {**settings.STORAGES, "evidence": broken}
    with pytest.raises(UploadProblem) as failed:
        register_in_background(upload.pk)  # raised: the queue tries again
    assert failed.value.status == 503
    assert EvidenceItem.objects.count() == 0 and not in_bucket(digest)
    assert scratch_path(upload).stat().st_size == len(data)
    assert zhang.get(url, **TUS).json()["registering"]
    # The page asks again with an empty chunk: answered at once, the work asked for again.
    with django_capture_on_commit_callbacks(execute=False) as asked:
        again = zhang.generic(
            "PATCH", url, b"", CONTENT_TYPE="application/offset+octet-stream",
            CONTENT_LENGTH="0", HTTP_UPLOAD_OFFSET=str(len(data)), **TUS,
        )  # fmt: skip
    assert again.status_code == 204 and again["Sanxiang-Registering"] == "1" and len(asked) == 1
    settings.STORAGES = {**settings.STORAGES, "evidence": working}
    register_in_background(upload.pk)
    register_in_background(upload.pk)
    item = EvidenceItem.objects.get()
    assert item.blob_id == digest and in_bucket(digest)
    assert LedgerEntry.objects.filter(action="evidence.created").count() == 1
    assert not scratch_path(upload).exists()


def test_a_refusal_found_by_the_background_work_is_shown_to_the_officer(
    zhang, people, case_number, django_capture_on_commit_callbacks
):
    data = video()
    url = create(
        zhang, people, length=len(data), case_number=case_number, declared_sha256="0" * 64
    )["Location"]
    upload = ResumableUpload.objects.get()
    with django_capture_on_commit_callbacks(execute=False):
        send(zhang, url, data)
    register_in_background(upload.pk)
    state = zhang.get(url, **TUS).json()
    assert state["error"].startswith("文件已完整收到，但未登记：文件内容与申报的 SHA-256 不一致")
    assert "registering" not in state
    assert EvidenceItem.objects.count() == 0
    assert not in_bucket(hashlib.sha256(data).hexdigest())
    assert not scratch_path(upload).exists()
