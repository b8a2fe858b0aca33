"""Resumable uploads when things go wrong on the server: a failed registration is retried, a
registration outliving its lease happens once, a full disk is not a client disconnect, and a
resumed upload is not registered with form fields the officer has changed since."""

from __future__ import annotations

import errno
import hashlib
import io
import shutil
from collections import namedtuple
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.http import QueryDict
from django.utils import timezone

from sanxiang.core.work import PERIODIC, TASKS
from sanxiang.evidence import resumable, services
from sanxiang.evidence.models import Blob, EvidenceItem, ResumableUpload
from sanxiang.evidence.resumable import (
    SCRATCH_GONE,
    UploadProblem,
    fields_hash,
    scratch_path,
    upload_append,
    upload_finish,
)
from tests.evidence.test_resumable import CHUNK, TUS, VIDEO, create, fields, patch, send_all
from tests.evidence.test_views import zhangs_case  # noqa: F401 (a fixture)

LAST = 2 * CHUNK


@pytest.fixture(autouse=True)
def _small_chunks(settings):
    settings.SANXIANG_RESUMABLE_CHUNK_MAX_BYTES = CHUNK


def finish(client, url):
    """The empty last PATCH a client sends to have a complete upload registered (again)."""
    return client.generic(
        "PATCH",
        url,
        b"",
        CONTENT_TYPE="application/offset+octet-stream",
        CONTENT_LENGTH="0",
        HTTP_UPLOAD_OFFSET=str(len(VIDEO)),
        **TUS,
    )


def _fail_once(monkeypatch, error):
    real = services.evidence_stored  # type: ignore[attr-defined]
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "evidence_stored", flaky)
    return calls


def test_a_database_error_at_registration_keeps_the_file_and_the_retry_registers_it(
    as_zhang, people, monkeypatch, _evidence_storage
):
    url = create(as_zhang, people)["Location"]
    send_all(as_zhang, url, data=VIDEO[:LAST])
    _fail_once(monkeypatch, OperationalError("database is locked"))
    failed = patch(as_zhang, url, LAST, VIDEO[LAST:])
    assert failed.status_code == 503 and "临时故障" in failed.json()["error"]
    assert EvidenceItem.objects.count() == 0 and Blob.objects.count() == 0
    upload = ResumableUpload.objects.get()
    assert upload.offset == len(VIDEO) and upload.lease == "" and not upload.refusal
    assert scratch_path(upload).stat().st_size == len(VIDEO)
    # The client asks where to go on and sends the (empty) rest: now it is registered.
    assert as_zhang.head(url, **TUS)["Upload-Offset"] == str(len(VIDEO))
    retry = finish(as_zhang, url)
    assert retry.status_code == 204, retry.content.decode()
    item = EvidenceItem.objects.get()
    assert retry["Sanxiang-Evidence"].endswith(f"/{item.pk}/")
    assert item.blob.size == len(VIDEO)
    assert (_evidence_storage / item.blob.storage_name).read_bytes() == VIDEO
    assert not scratch_path(upload).exists()
    # Once more (the answer was lost): the same item, none added.
    assert finish(as_zhang, url).status_code == 204
    assert EvidenceItem.objects.count() == 1


def test_a_missing_scratch_file_answers_410_in_chinese_never_500(as_zhang, people):
    url = create(as_zhang, people)["Location"]
    patch(as_zhang, url, 0, VIDEO[:CHUNK])
    scratch_path(ResumableUpload.objects.get()).unlink()
    resumable._digests.drop(str(ResumableUpload.objects.get().pk))
    gone = patch(as_zhang, url, CHUNK, VIDEO[CHUNK:LAST])
    assert gone.status_code == 410 and gone.json()["error"] == SCRATCH_GONE
    assert not ResumableUpload.objects.exists()


def test_a_missing_scratch_file_at_the_end_answers_410(as_zhang, people):
    url = create(as_zhang, people)["Location"]
    send_all(as_zhang, url)  # registered
    url2 = create(as_zhang, people)["Location"]
    send_all(as_zhang, url2, data=VIDEO[:LAST])
    upload = ResumableUpload.objects.get(item__isnull=True)
    upload.offset = len(VIDEO)
    upload.save(update_fields=["offset"])
    scratch_path(upload).unlink()
    gone = finish(as_zhang, url2)
    assert gone.status_code == 410 and "重新选择文件" in gone.json()["error"]
    assert EvidenceItem.objects.count() == 1


def test_a_registration_whose_lease_was_taken_meanwhile_does_not_register_twice(as_zhang, people):
    url = create(as_zhang, people)["Location"]
    send_all(as_zhang, url, data=VIDEO[:LAST])
    upload, digests = upload_append(
        actor=people.zhang,
        upload_id=url.rstrip("/").rsplit("/", 1)[1],
        offset=LAST,
        body=io.BytesIO(VIDEO[LAST:]),
        body_length=len(VIDEO) - LAST,
    )
    assert digests is not None
    # The registration took longer than the lease: a retry took it (another token).
    ResumableUpload.objects.filter(pk=upload.pk).update(
        lease="b" * 32, lease_until=timezone.now() + timedelta(minutes=5)
    )
    registered = []

    def register(handle, before_commit):
        registered.append(1)
        raise AssertionError("must not register without the lease")

    with pytest.raises(UploadProblem) as refused:
        upload_finish(upload=upload, digests=digests, register=register)
    assert refused.value.status == 409 and "另一请求" in refused.value.message
    assert registered == [] and EvidenceItem.objects.count() == 0
    # The holder of the lease finishes it: one item.
    ResumableUpload.objects.filter(pk=upload.pk).update(lease="", lease_until=None)
    assert finish(as_zhang, url).status_code == 204
    assert EvidenceItem.objects.count() == 1
    # The first request, coming back late, finds it done and registers nothing.
    upload.lease = "a" * 32
    with pytest.raises(UploadProblem):
        upload_finish(upload=upload, digests=digests, register=register)
    assert EvidenceItem.objects.count() == 1


def test_a_full_disk_answers_507_and_nothing_advances(as_zhang, people, monkeypatch):
    url = create(as_zhang, people)["Location"]
    patch(as_zhang, url, 0, VIDEO[:CHUNK])

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(resumable, "_write_all", full)
    response = patch(as_zhang, url, CHUNK, VIDEO[CHUNK:LAST])
    assert response.status_code == 507 and "存储空间不足" in response.json()["error"]
    upload = ResumableUpload.objects.get()
    assert (upload.offset, upload.lease) == (CHUNK, "")

    def broken(fd, data):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(resumable, "_write_all", broken)
    response = patch(as_zhang, url, CHUNK, VIDEO[CHUNK:LAST])
    assert response.status_code == 503 and "写入文件时出错" in response.json()["error"]
    assert ResumableUpload.objects.get().offset == CHUNK
    monkeypatch.undo()
    send_all(as_zhang, url, start=CHUNK)
    assert EvidenceItem.objects.get().blob.size == len(VIDEO)


def test_a_409_for_a_wrong_offset_tells_the_right_offset(as_zhang, people):
    url = create(as_zhang, people)["Location"]
    patch(as_zhang, url, 0, VIDEO[:CHUNK])
    again = patch(as_zhang, url, 0, VIDEO[:CHUNK])
    assert again.status_code == 409 and again["Upload-Offset"] == str(CHUNK)


def test_resuming_with_changed_form_fields_is_refused_409(as_zhang, people):
    url = create(as_zhang, people)["Location"]
    patch(as_zhang, url, 0, VIDEO[:CHUNK])
    csrf = {"csrfmiddlewaretoken": "x"}

    def hashed(data):
        query = QueryDict(mutable=True)
        for name, value in data.items():
            query[name] = str(value)
        return fields_hash(query)

    same = as_zhang.head(url, HTTP_SANXIANG_FORM_HASH=hashed({**fields(people), **csrf}), **TUS)
    assert same.status_code == 200 and same["Upload-Offset"] == str(CHUNK)
    changed = hashed(fields(people, location="人民路 200 号"))
    refused = as_zhang.head(url, HTTP_SANXIANG_FORM_HASH=changed, **TUS)
    assert refused.status_code == 409 and refused["Sanxiang-Form-Changed"] == "1"
    assert "登记信息" in as_zhang.get(url, HTTP_SANXIANG_FORM_HASH=changed, **TUS).json()["error"]
    # The client abandons it and starts again with the fields as they are now.
    assert as_zhang.delete(url, **TUS).status_code == 204
    url = create(as_zhang, people, location="人民路 200 号")["Location"]
    send_all(as_zhang, url)
    assert EvidenceItem.objects.get().location == "人民路 200 号"


def test_the_hash_matches_resumable_js_canonical_form():
    query = QueryDict("b=%E4%BA%BA%0D%0A%22x%22&a=2&a=1&csrfmiddlewaretoken=t")
    # JSON.stringify([["a","1"],["a","2"],["b","人\n\"x\""]]) in UTF-8, hashed.
    text = '[["a","1"],["a","2"],["b","人\\n\\"x\\""]]'
    assert fields_hash(query) == hashlib.sha256(text.encode()).hexdigest()


def test_an_officer_may_have_only_so_many_open_uploads(as_zhang, people, settings):
    settings.SANXIANG_RESUMABLE_MAX_OPEN = 2
    assert create(as_zhang, people).status_code == 201
    assert create(as_zhang, people).status_code == 201
    third = create(as_zhang, people)
    assert third.status_code == 429 and "未完成的上传" in third.json()["error"]
    assert ResumableUpload.objects.count() == 2


def test_a_file_larger_than_the_free_scratch_space_is_refused_507(
    as_zhang, people, settings, monkeypatch
):
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**12, 0, len(VIDEO) + 10))
    settings.SANXIANG_RESUMABLE_FREE_MARGIN_BYTES = 100
    refused = create(as_zhang, people)
    assert refused.status_code == 507 and "存储空间不足" in refused.json()["error"]
    assert not ResumableUpload.objects.exists()
    settings.SANXIANG_RESUMABLE_FREE_MARGIN_BYTES = 0
    assert create(as_zhang, people).status_code == 201


def test_abandoned_uploads_are_removed_on_a_schedule():
    assert PERIODIC["evidence.uploads_expire"] == "41 * * * *"
    assert TASKS["evidence.uploads_expire"] is resumable.uploads_expire_periodic


def test_without_hard_links_the_finished_file_is_copied_into_the_store(
    as_zhang, people, monkeypatch, _evidence_storage
):
    def no_links(source, target):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr("sanxiang.evidence.storage.os.link", no_links)
    url = create(as_zhang, people)["Location"]
    send_all(as_zhang, url)
    item = EvidenceItem.objects.get()
    assert (_evidence_storage / item.blob.storage_name).read_bytes() == VIDEO
    assert not scratch_path(ResumableUpload.objects.get()).exists()
