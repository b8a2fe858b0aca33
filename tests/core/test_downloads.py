"""Serving a generated document: one helper for the case, review and report downloads."""

from __future__ import annotations

import pytest
from django.http import Http404

from sanxiang.core.downloads import serve_document
from sanxiang.errors import DomainError


def test_a_document_is_saved_under_its_chinese_name_and_never_cached():
    opened = []

    def open_document(form: str) -> tuple[str, bytes]:
        opened.append(form)  # the service records the access when it opens
        return "当场行政处罚决定书", b"%PDF-1.7"

    response = serve_document(form="pdf", open_document=open_document, filename=lambda d: d)
    assert opened == ["pdf"]
    assert response["Content-Type"] == "application/pdf"
    assert response.content == b"%PDF-1.7"
    assert response["Content-Disposition"] == (
        "attachment; filename*=UTF-8''"
        "%E5%BD%93%E5%9C%BA%E8%A1%8C%E6%94%BF%E5%A4%84%E7%BD%9A%E5%86%B3%E5%AE%9A%E4%B9%A6.pdf"
    )
    assert response["Cache-Control"] == "private, no-store"


def test_an_unknown_format_or_a_refused_document_is_a_chinese_404_and_opens_nothing():
    opened = []

    def refuse(form: str) -> tuple[str, bytes]:
        opened.append(form)
        raise DomainError("未找到该文书，或您无权查看。", log_message="out of scope")

    with pytest.raises(Http404, match="没有这种格式"):
        serve_document(form="exe", open_document=refuse, filename=str)
    assert opened == []
    with pytest.raises(Http404, match="未找到该文书"):
        serve_document(form="docx", open_document=refuse, filename=str)
    assert opened == ["docx"]
