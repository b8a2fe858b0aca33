"""The public form and the tracking page: anonymous submission, tracking by code, and the
refusals of spam and floods (Chinese 4xx, what was typed kept, nothing stored)."""

from __future__ import annotations

import hashlib
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sanxiang.complaints import services
from sanxiang.complaints.forms import started_stamp
from sanxiang.complaints.models import Attachment, Complaint, ComplaintStep, Status, Submission
from sanxiang.evidence.models import Blob
from sanxiang.evidence.storage import blob_name, evidence_storage
from sanxiang.ledger.models import LedgerEntry
from tests.complaints.conftest import PNG, png, submit

pytestmark = pytest.mark.django_db


def _code_from(client: Client, response) -> str:
    assert response.status_code == 302
    assert response["Location"] == "/gongshi/complaints/done/"
    page = client.get("/gongshi/complaints/done/").content.decode()
    found = re.search(r'id="tracking-code">([A-Z0-9-]+)<', page)
    assert found is not None
    return found.group(1)


def test_the_public_form_is_in_the_portals_look(client, agency):
    page = client.get("/gongshi/complaints/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "行政执法投诉举报" in html and "行政执法公示平台" in html
    assert 'name="homepage"' in html and 'name="started"' in html


def test_an_anonymous_complaint_is_registered_and_tracked_by_its_code(client, agency):
    response = submit(client, agency, attachments=png())
    code = _code_from(client, response)
    assert len(code.replace("-", "")) == 12
    complaint = Complaint.objects.get()
    assert complaint.anonymous and complaint.status == Status.REGISTERED
    assert complaint.code == code.replace("-", "")
    # The attachment is in the evidence store, content-addressed.
    attachment = Attachment.objects.get(complaint=complaint)
    assert evidence_storage().exists(attachment.blob.storage_name)
    assert attachment.blob.content_type == "image/png"
    # One history row and its ledger event in the agency's log, with no person named.
    step = ComplaintStep.objects.get(complaint=complaint)
    entry = LedgerEntry.objects.get(sequence=step.ledger_sequence)
    assert entry.action == "complaints.complaint.registered"
    assert entry.actor == f"public:complaint:{complaint.pk}"
    # The code is shown once.
    assert client.get("/gongshi/complaints/done/")["Location"] == "/gongshi/complaints/status/"
    # Typed in lower case without hyphens, it finds the complaint: status and due date only.
    page = client.post("/gongshi/complaints/status/", {"code": code.replace("-", "").lower()})
    html = page.content.decode()
    assert page.status_code == 200
    assert "已登记" in html and "受理决定期限" in html and agency.name in html
    assert "占道经营" not in html  # the complaint's text is not shown


def test_another_code_shows_nothing(client, agency):
    submit(client, agency, text="甲反映：某饭店油烟直排，影响周边居民。", name="张三")
    other = Client()
    page = other.post("/gongshi/complaints/status/", {"code": "ABCD-EFGH-JKMN"})
    html = page.content.decode()
    assert page.status_code == 404
    assert "未找到该跟踪码对应的投诉举报" in html
    assert "张三" not in html and "油烟" not in html and agency.name not in html
    assert Submission.objects.filter(outcome="lookup_failed").count() == 1


def test_too_many_wrong_codes_from_one_address_are_refused(client, agency):
    for _ in range(services.LOOKUPS_FAILED_PER_ADDRESS):
        client.post("/gongshi/complaints/status/", {"code": "ABCD-EFGH-JKMN"})
    page = client.post("/gongshi/complaints/status/", {"code": "ABCD-EFGH-JKMN"})
    assert page.status_code == 429
    assert "查询失败次数过多" in page.content.decode()


def test_the_honeypot_refuses_in_chinese_and_stores_nothing(client, agency):
    page = submit(client, agency, homepage="http://spam.example", attachments=png())
    html = page.content.decode()
    assert page.status_code == 400
    assert "提交未被接受" in html
    assert "占道经营" in html  # what was typed is kept
    assert not Complaint.objects.exists() and not Blob.objects.exists()
    assert (
        not Submission.objects.exists()
        and not LedgerEntry.objects.filter(action__startswith="complaints.").exists()
    )


def test_a_form_sent_too_fast_is_refused_and_keeps_what_was_typed(client, agency):
    page = submit(client, agency, started=started_stamp(time.time() - 1))
    html = page.content.decode()
    assert page.status_code == 400
    assert "提交过快" in html and "占道经营" in html
    assert not Complaint.objects.exists()


def test_a_forged_stamp_is_refused(client, agency):
    page = submit(client, agency, started="12345:forged")
    assert page.status_code == 400
    assert "表单已过期" in page.content.decode()
    assert not Complaint.objects.exists()


def test_a_flood_from_one_address_is_refused_with_429_and_stores_nothing(agency):
    for _ in range(services.PER_ADDRESS):
        assert submit(Client(REMOTE_ADDR="203.0.113.7"), agency).status_code == 302
    late = PNG + b"sent in a flood"
    page = submit(Client(REMOTE_ADDR="203.0.113.7"), agency, attachments=png("late.png", late))
    assert page.status_code == 429
    html = page.content.decode()
    assert "提交过于频繁" in html and "占道经营" in html
    assert Complaint.objects.count() == services.PER_ADDRESS
    assert not Attachment.objects.exists() and not Blob.objects.exists()
    assert not evidence_storage().exists(blob_name(hashlib.sha256(late).hexdigest()))
    # Another address is not held up.
    assert submit(Client(REMOTE_ADDR="198.51.100.9"), agency).status_code == 302


def test_one_browser_session_is_limited_before_its_address(agency):
    browser = Client(REMOTE_ADDR="203.0.113.8")
    for _ in range(services.PER_SESSION):
        assert submit(browser, agency).status_code == 302
    assert submit(browser, agency).status_code == 429
    assert Complaint.objects.count() == services.PER_SESSION


def test_an_attachment_of_the_wrong_type_is_refused_whatever_its_name(client, agency):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00\x03" + b"\x00\xff" * 40)
    page = submit(client, agency, attachments=[png(), fake])
    assert page.status_code == 400
    assert "不是可接受的格式" in page.content.decode()
    assert not Complaint.objects.exists() and not Blob.objects.exists()


def test_an_attachment_over_the_size_limit_is_refused(client, agency, settings):
    settings.SANXIANG_COMPLAINT_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 2048)
    page = submit(client, agency, attachments=big)
    assert page.status_code in (400, 413)
    assert not Complaint.objects.exists()


def test_a_complaint_about_an_officer_is_marked_for_the_supervising_body(client, agency):
    submit(client, agency, kind="complaint", subject="officer", name="李四", contact="139")
    complaint = Complaint.objects.get()
    assert complaint.for_supervisor and not complaint.anonymous


def test_a_registration_that_fails_after_storing_its_files_leaves_no_blob(agency, monkeypatch):
    def fail(*args, **kwargs):
        raise services.TooMany("提交过于频繁", log_message="raced past the first check")

    monkeypatch.setattr(services, "_register", fail)
    content = PNG + b"raced"
    page = submit(Client(), agency, attachments=png(content=content))
    assert page.status_code == 429
    assert not evidence_storage().exists(blob_name(hashlib.sha256(content).hexdigest()))
    assert not Complaint.objects.exists()
