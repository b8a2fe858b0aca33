"""The written opinion and the committee minutes as documents (Word and PDF), in the ledger."""

from __future__ import annotations

from django.urls import reverse

from sanxiang.evidence.storage import blob_name, open_blob
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.verify import verify_ledger
from sanxiang.review.models import ReviewDocument
from tests.cases.test_documents import pdf_text
from tests.review.test_review_flow import submit
from tests.review.test_views import opinion_form


def text(document: ReviewDocument) -> str:
    with open_blob(blob_name(document.pdf_sha256)) as handle:
        return "".join(pdf_text(handle.read()).split())


def test_an_opinion_written_on_the_page_becomes_a_signed_off_document(client, staff, notified_case):
    review = submit(staff, notified_case)
    client.force_login(staff.zhou.user)
    form = opinion_form("evidence")
    form["reason_evidence"] = "现场照片未载明拍摄时间"
    client.post(reverse("review:opinion", args=[review.pk]), form)
    document = ReviewDocument.objects.get(review=review, kind="opinion")
    content = text(document)
    assert "重大执法决定法制审核意见书" in content
    assert "5.证据是否合法充分：存在问题。现场照片未载明拍摄时间" in content
    assert "审核结论：存在问题" in content and "法制审核人员：周婷" in content
    assert LedgerEntry.objects.filter(
        action="review.document.generated", content_sha256=document.pdf_sha256
    ).exists()

    client.force_login(staff.zhang.user)
    response = client.get(reverse("review:document", args=[document.pk, "pdf"]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert LedgerEntry.objects.filter(
        action="review.document.downloaded", object_id=str(document.pk)
    ).exists()
    assert not verify_ledger().problem
