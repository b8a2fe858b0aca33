"""执法监督意见: the agency's answer carries files of its own (the corrected decision, the
rectification report) in the evidence store, each hashed into the answer's ledger event, each
open recorded, readable only by the supervising body and the agency's own people."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.urls import reverse

from sanxiang.cases.models import NumberingRule
from sanxiang.evidence.models import Blob
from sanxiang.evidence.storage import blob_name, evidence_storage
from sanxiang.ledger.models import LedgerEntry
from sanxiang.supervision.opinions.events import step_digest
from sanxiang.supervision.opinions.models import (
    OpinionAttachment,
    OpinionFileAccess,
    OpinionStatus,
    OpinionStep,
)
from tests.supervision.test_opinions import _issued


@pytest.fixture
def numbered(oversight):
    NumberingRule.objects.create(
        agency_id=oversight.city_body.agency_id, kind="supervision", prefix="测司监"
    )
    return oversight


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + "整改报告".encode()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _files():
    return [
        SimpleUploadedFile("纠正后的处罚决定书.pdf", PDF, content_type="application/pdf"),
        SimpleUploadedFile("现场整改照片.png", PNG, content_type="image/png"),
    ]


def _answer(client, officer, opinion, files, text="已纠正，附纠正后的决定书和整改照片。"):
    client.force_login(officer.user)
    url = reverse("supervision:opinion-answer", args=[opinion.pk])
    return client.post(url, {"text": text, "attachments": files})


def _answered_events(opinion):
    return LedgerEntry.objects.filter(
        action="supervision.opinion.answered", object_id=str(opinion.pk)
    )


def test_the_head_answers_with_files_stored_once_and_hashed_into_the_answer_event(
    client, staff, numbered, general_case
):
    opinion = _issued(numbered.supervisor, general_case)
    assert _answer(client, staff.head, opinion, _files()).status_code == 302
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.ANSWERED
    step = OpinionStep.objects.get(opinion=opinion, kind="answered")
    files = list(OpinionAttachment.objects.filter(step=step).order_by("pk"))
    assert [(f.filename, f.blob_id) for f in files] == [
        ("纠正后的处罚决定书.pdf", hashlib.sha256(PDF).hexdigest()),
        ("现场整改照片.png", hashlib.sha256(PNG).hexdigest()),
    ]
    assert files[0].blob.content_type == "application/pdf"
    assert evidence_storage().exists(blob_name(hashlib.sha256(PDF).hexdigest()))
    (event,) = _answered_events(opinion)
    assert event.content_sha256 == step_digest(step, files)
    # A changed file name no longer matches, and the rows cannot be changed anyway.
    renamed = OpinionAttachment(step=step, blob=files[0].blob, filename="别的文件.pdf")
    assert step_digest(step, [renamed, files[1]]) != event.content_sha256
    with pytest.raises(DatabaseError), transaction.atomic():
        OpinionAttachment.objects.filter(pk=files[0].pk).update(filename="改名.pdf")

    client.force_login(numbered.supervisor.user)
    page = client.get(reverse("supervision:opinion", args=[opinion.pk])).content.decode()
    assert "纠正后的处罚决定书.pdf" in page and "现场整改照片.png" in page


def test_every_open_of_a_file_is_recorded_and_only_the_body_and_the_agency_may_open_it(
    client, staff, numbered, general_case
):
    opinion = _issued(numbered.supervisor, general_case)
    _answer(client, staff.head, opinion, _files())
    pdf = OpinionAttachment.objects.get(filename="纠正后的处罚决定书.pdf")
    url = reverse("supervision:opinion-attachment", args=[opinion.pk, pdf.pk])
    for reader in (numbered.supervisor, staff.head, staff.zhang):
        client.force_login(reader.user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
    assert list(
        OpinionFileAccess.objects.filter(attachment=pdf)
        .order_by("pk")
        .values_list("officer_id", flat=True)
    ) == [numbered.supervisor.pk, staff.head.pk, staff.zhang.pk]
    # Another agency's officer, a supervisor whose body is not over the agency, a colleague
    # who is not on the case: the same answer as a missing file, and no record.
    for outsider in (
        numbered.outside_case.handlers.first(),
        numbered.county_supervisor,
        staff.wang,
    ):
        client.force_login(outsider.user)
        assert client.get(url).status_code == 404
    # A file of another opinion is not reached through this one's address.
    other = _issued(numbered.supervisor, general_case)
    client.force_login(staff.head.user)
    wrong = reverse("supervision:opinion-attachment", args=[other.pk, pdf.pk])
    assert client.get(wrong).status_code == 404
    assert OpinionFileAccess.objects.count() == 3


@pytest.mark.parametrize(
    "files, message",
    [
        (
            [SimpleUploadedFile("决定书.pdf", b"MZ\x90\x00\x03" + b"\x00\xff" * 40)],
            "不是可接受的格式",
        ),
        ([SimpleUploadedFile("空.pdf", b"")], "空文件"),
        ([SimpleUploadedFile("大.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 4096)], "超过"),
        ([SimpleUploadedFile(f"{n}.png", PNG) for n in range(6)], "附件最多 5 个"),
    ],
)
def test_a_bad_file_refuses_the_whole_answer_and_stores_nothing(
    client, staff, numbered, general_case, settings, files, message
):
    settings.SANXIANG_ANSWER_MAX_BYTES = 2048
    opinion = _issued(numbered.supervisor, general_case)
    response = _answer(client, staff.head, opinion, files)
    assert response.status_code == 400
    assert message in response.content.decode()
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.ISSUED
    assert not OpinionAttachment.objects.exists()
    assert not Blob.objects.exists()
    assert not _answered_events(opinion).exists()


def test_files_from_someone_who_may_not_answer_are_refused_before_anything_is_stored(
    client, staff, numbered, general_case
):
    opinion = _issued(numbered.supervisor, general_case)
    assert _answer(client, staff.zhang, opinion, _files()).status_code == 403
    assert (
        _answer(client, numbered.outside_case.handlers.first(), opinion, _files()).status_code
        == 404
    )
    # A reference the head may not see refuses the answer; the copied files are removed again.
    response = client.post(
        reverse("supervision:opinion-answer", args=[opinion.pk]),
        {"text": "已整改", "evidence_references": "nope-1", "attachments": _files()},
    )
    assert response.status_code == 404  # still the outsider
    client.force_login(staff.head.user)
    once = PDF + b"only in this test"  # blobs on disk outlive a test's rolled-back rows
    response = client.post(
        reverse("supervision:opinion-answer", args=[opinion.pk]),
        {
            "text": "已整改",
            "evidence_references": "nope-1",
            "attachments": [SimpleUploadedFile("报告.pdf", once)],
        },
    )
    assert response.status_code == 400
    assert "未找到证据记录编号" in response.content.decode()
    assert not Blob.objects.exists()
    assert not evidence_storage().exists(blob_name(hashlib.sha256(once).hexdigest()))
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.ISSUED
