"""Reading a complaint in the office — its page and each attachment download — is a recorded
look (投诉举报调阅记录), like a case page: who, when, what; a refused read leaves no row."""

from __future__ import annotations

import pytest
from django.test import Client

from sanxiang.complaints.models import Attachment, Complaint, ComplaintAccess
from tests.complaints.conftest import PNG, png, submit

pytestmark = pytest.mark.django_db


def _as(officer) -> Client:
    client = Client()
    client.force_login(officer.user)
    return client


@pytest.fixture
def complaint(agency) -> Complaint:
    submit(Client(), agency, attachments=png())
    return Complaint.objects.get()


def test_opening_a_complaint_and_downloading_its_attachment_are_each_recorded(head, complaint):
    office = _as(head)
    assert office.get(f"/office/complaints/{complaint.pk}/").status_code == 200
    attachment = Attachment.objects.get(complaint=complaint)
    download = office.get(f"/office/complaints/{complaint.pk}/files/{attachment.pk}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG  # type: ignore[attr-defined]
    looks = list(
        ComplaintAccess.objects.order_by("pk").values_list("officer", "action", "attachment")
    )
    assert looks == [(head.pk, "view", None), (head.pk, "download", attachment.pk)]
    page = office.get(f"/office/complaints/{complaint.pk}/").content.decode()
    assert "调阅记录" in page and "下载附件" in page


def test_a_read_out_of_scope_is_answered_as_missing_and_leaves_no_record(other_head, complaint):
    office = _as(other_head)
    attachment = Attachment.objects.get(complaint=complaint)
    assert office.get(f"/office/complaints/{complaint.pk}/").status_code == 404
    url = f"/office/complaints/{complaint.pk}/files/{attachment.pk}"
    assert office.get(url).status_code == 404
    assert not ComplaintAccess.objects.exists()


def test_complaint_access_records_are_append_only(head, complaint):
    from django.db import DatabaseError, transaction

    _as(head).get(f"/office/complaints/{complaint.pk}/")
    look = ComplaintAccess.objects.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        ComplaintAccess.objects.filter(pk=look.pk).update(action="download")
