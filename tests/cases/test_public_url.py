"""Documents and pages name the portal by the configured public address (SANXIANG_PUBLIC_URL),
never by a host written in the code."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
import segno
import time_machine
from django.urls import reverse

from sanxiang.cases.services import case_transition, document_generate
from sanxiang.disclosure.push import portal_url
from tests.cases.conftest import evidence_on_disk

PUBLIC = "https://zhifa.example.gov.cn"


@pytest.fixture(autouse=True)
def _public_address(settings, tmp_path):
    settings.SANXIANG_PUBLIC_URL = PUBLIC
    evidence_on_disk(settings, tmp_path)
    with time_machine.travel(date(2026, 5, 20), tick=False):
        yield


def qr_png(text: str) -> bytes:
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=4, border=2)
    return out.getvalue()


def test_a_documents_qr_code_and_link_use_the_configured_public_address(
    staff, on_spot_case, client
):
    case = on_spot_case("person", Decimal("150"))
    case_transition(actor=staff.zhang, case_id=case.pk, action="decide_on_spot")
    document = document_generate(actor=staff.zhang, case_id=case.pk, kind="on_spot_decision")
    client.force_login(staff.zhang.user)
    docx = client.get(reverse("cases:document", args=[document.pk, "docx"])).content
    expected = f"{PUBLIC}/gongshi/documents/{document.verification_code}/"
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        body = archive.read("word/document.xml").decode()
        images = [archive.read(n) for n in archive.namelist() if n.startswith("word/media/")]
    assert expected in body
    assert "127.0.0.1" not in body and "localhost" not in body
    assert qr_png(expected) in images  # the QR code encodes exactly that address


def test_pushed_messages_and_office_links_use_the_configured_public_address(client, db):
    assert portal_url(7) == f"{PUBLIC}/gongshi/decisions/7/"
    page = client.get(reverse("office:login")).content.decode()
    assert f'href="{PUBLIC}/gongshi/officers/"' in page
