"""Documents: rendered from the case, PDF by LibreOffice, hashed into the ledger, verifiable."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from docx import Document

from sanxiang.cases.models import Case, CaseDocument
from sanxiang.cases.services import CaseRefused, case_transition, document_generate
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.verify import verify_ledger
from tests.cases.conftest import evidence_on_disk
from tests.conftest import prepare_step


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    evidence_on_disk(settings, tmp_path)
    with time_machine.travel(date(2026, 5, 20), tick=False):
        yield


@pytest.fixture
def decided_on_spot(staff, on_spot_case):
    case = on_spot_case("person", Decimal("150"))
    return case_transition(actor=staff.zhang, case_id=case.pk, action="decide_on_spot")


def pdf_text(data: bytes) -> str:
    """Text of a PDF, by poppler's pdftotext (an independent reader)."""
    return subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def test_an_on_spot_decision_document_carries_what_article_52_requires(
    staff, decided_on_spot, client
):
    document = document_generate(
        actor=staff.zhang, case_id=decided_on_spot.pk, kind="on_spot_decision"
    )
    client.force_login(staff.zhang.user)
    docx = client.get(reverse("cases:document", args=[document.pk, "docx"])).content
    text = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
    assert "当场行政处罚决定书" in text and "测城当罚〔2026〕1号" in text
    assert (
        "罚款人民币150.00元" in text and "六十日内依法申请行政复议" in text and "六个月内" in text
    )
    assert "99010012001" in text, "the officers' certificate numbers are on the form"
    assert f"/gongshi/documents/{document.verification_code}/" in text
    assert hashlib.sha256(docx).hexdigest() == document.docx_sha256


def test_the_pdf_is_real_chinese_text_and_its_hash_is_in_the_ledger(staff, decided_on_spot, client):
    document = document_generate(
        actor=staff.zhang, case_id=decided_on_spot.pk, kind="on_spot_decision"
    )
    client.force_login(staff.zhang.user)
    assert document.pdf_sha256 == "", "the PDF is made after the answer, not in the request"
    pdf = client.get(reverse("cases:document", args=[document.pk, "pdf"])).content
    document.refresh_from_db()
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == document.pdf_sha256
    if shutil.which("pdftotext"):
        assert "当场行政处罚决定书" in pdf_text(pdf).replace(" ", "")
    event = LedgerEntry.objects.get(action="cases.document.generated")
    assert (event.object_id, event.content_sha256) == (str(document.pk), document.docx_sha256)
    made = LedgerEntry.objects.get(action="cases.document.pdf_made")
    assert (made.object_id, made.content_sha256) == (str(document.pk), document.pdf_sha256)
    assert LedgerEntry.objects.filter(action="cases.document.downloaded").count() == 1
    assert verify_ledger().ok


def test_regenerating_after_a_change_makes_a_new_version_and_keeps_the_old(staff, decided_on_spot):
    first = document_generate(
        actor=staff.zhang, case_id=decided_on_spot.pk, kind="on_spot_decision"
    )
    Case.objects.filter(pk=decided_on_spot.pk).update(facts="更正后的违法事实")
    second = document_generate(
        actor=staff.zhang, case_id=decided_on_spot.pk, kind="on_spot_decision"
    )
    assert (first.version, second.version) == (1, 2)
    assert first.verification_code != second.verification_code
    assert CaseDocument.objects.count() == 2


def test_asking_twice_for_the_same_document_makes_one_version_with_one_code(staff, decided_on_spot):
    first = document_generate(
        actor=staff.zhang, case_id=decided_on_spot.pk, kind="on_spot_decision"
    )
    events = LedgerEntry.objects.count()
    again = document_generate(
        actor=staff.zhang, case_id=decided_on_spot.pk, kind="on_spot_decision"
    )
    assert again.pk == first.pk and again.verification_code == first.verification_code
    assert CaseDocument.objects.count() == 1
    assert LedgerEntry.objects.count() == events, "nothing new is recorded"


def test_other_inputs_make_a_new_version(staff, general_case):
    case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    inputs = {
        "started_at": "2026-05-20T14:00", "ended_at": "2026-05-20T14:40",
        "place": "执法一大队询问室", "person": "王某", "person_role": "当事人",
        "qa": "问：你在人民路摆摊多久了？\n答：大约三个月。",
    }  # fmt: skip
    first = document_generate(
        actor=staff.zhang, case_id=general_case.pk, kind="inquiry_record", inputs=inputs
    )
    same = document_generate(
        actor=staff.zhang, case_id=general_case.pk, kind="inquiry_record", inputs=inputs
    )
    other = document_generate(
        actor=staff.zhang, case_id=general_case.pk, kind="inquiry_record",
        inputs={**inputs, "place": "执法一大队二号询问室"},
    )  # fmt: skip
    assert same.pk == first.pk
    assert other.version == 2


def test_a_double_click_on_generate_leaves_one_version(client, staff, decided_on_spot):
    client.force_login(staff.zhang.user)
    url = reverse("cases:document-new", args=[decided_on_spot.pk, "on_spot_decision"])
    client.post(url)
    page = client.post(url, follow=True).content.decode()
    assert CaseDocument.objects.filter(case=decided_on_spot).count() == 1
    assert "与已生成的第 1 版相同" in page


def test_a_document_the_state_does_not_call_for_is_refused(staff, general_case):
    with pytest.raises(CaseRefused, match="不能制作行政处罚决定书"):
        document_generate(actor=staff.zhang, case_id=general_case.pk, kind="decision")


def test_the_qr_page_confirms_the_document_without_personal_data(staff, decided_on_spot, client):
    document = document_generate(
        actor=staff.zhang, case_id=decided_on_spot.pk, kind="on_spot_decision"
    )
    page = client.get(
        reverse("portal:document-verify", args=[document.verification_code])
    ).content.decode()
    assert (
        "本平台出具的文书" in page and document.pdf_sha256 in page and "测城当罚〔2026〕1号" in page
    )
    assert "11010519491231002X" not in page and "当事人" not in page
    missing = client.get(reverse("portal:document-verify", args=["deadbeef0000"]))
    assert missing.status_code == 404 and "未找到该文书" in missing.content.decode()


def test_an_altered_stored_pdf_is_found_by_ledger_verify(staff, decided_on_spot, tmp_path):
    from sanxiang.cases.pdf import document_pdf_ensure
    from sanxiang.evidence.storage import blob_name

    document = document_generate(
        actor=staff.zhang, case_id=decided_on_spot.pk, kind="on_spot_decision"
    )
    document = document_pdf_ensure(document.pk)
    path = tmp_path / blob_name(document.pdf_sha256)
    path.write_bytes(path.read_bytes() + b"%tampered")
    assert f"blob {document.pdf_sha256} has been altered" in verify_ledger().problem


def test_another_units_officer_cannot_download_a_document(staff, decided_on_spot, client, agency):
    from sanxiang.org.models import Unit
    from tests.conftest import make_officer

    document = document_generate(
        actor=staff.zhang, case_id=decided_on_spot.pk, kind="on_spot_decision"
    )
    other = make_officer(
        unit=Unit.objects.create(agency=agency, name="执法三大队"),
        name="赵六",
        number="99010012098",
    )
    other.user = type(staff.zhang.user).objects.create_user(
        "zhao", password="correct horse battery"
    )
    other.save()
    client.force_login(other.user)
    assert client.get(reverse("cases:document", args=[document.pk, "pdf"])).status_code == 404


def test_a_decision_is_served_only_after_its_document_is_made(staff, general_case, articles):
    from sanxiang.cases.workflow.engine import TransitionRefused
    from tests.cases.conftest import set_basis

    set_basis(staff, general_case, articles)
    steps = [
        (staff.head, "register"),
        (staff.zhang, "conclude"),
        (staff.zhang, "notify"),
        (staff.zhang, "record_statement"),
        (staff.head, "decide"),
    ]
    for actor, action in steps:
        prepare_step(actor, general_case.pk, action)
        case_transition(actor=actor, case_id=general_case.pk, action=action)
    with pytest.raises(TransitionRefused, match="请先制作行政处罚决定书"):
        case_transition(actor=staff.zhang, case_id=general_case.pk, action="serve")
    document_generate(actor=staff.zhang, case_id=general_case.pk, kind="decision")
    prepare_step(staff.zhang, general_case.pk, "serve")
    assert (
        case_transition(actor=staff.zhang, case_id=general_case.pk, action="serve").state
        == "served"
    )


def test_typed_text_reaches_the_document_as_written(staff, general_case):
    """Characters that mean something in Word's XML (<, &) are text, not markup."""
    from sanxiang.cases.models import Case
    from sanxiang.evidence.storage import blob_name, open_blob

    facts = "当事人称罚款<5000元 & 没收</w:t></w:r><w:r><w:t>注入"
    Case.objects.filter(pk=general_case.pk).update(facts=facts)
    case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    document = document_generate(actor=staff.zhang, case_id=general_case.pk, kind="registration")
    from sanxiang.cases.pdf import document_pdf_ensure

    document = document_pdf_ensure(document.pk)
    with open_blob(blob_name(document.pdf_sha256)) as handle:
        text = "".join(pdf_text(handle.read()).split())
    assert "当事人称罚款<5000元&没收</w:t></w:r><w:r><w:t>注入" in text


def test_a_version_stays_append_only_but_its_pdf_is_filled_once(staff, decided_on_spot):
    """Versions are never overwritten (triggers, on both databases); only the PDF digest, made
    after the version was recorded, may be filled in, once."""
    from django.db import DatabaseError, transaction

    from sanxiang.cases.pdf import document_pdf_ensure

    document = document_generate(
        actor=staff.zhang, case_id=decided_on_spot.pk, kind="on_spot_decision"
    )
    rows = CaseDocument.objects.filter(pk=document.pk)
    with pytest.raises(DatabaseError), transaction.atomic():
        rows.update(verification_code="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        rows.update(pdf_sha256="a" * 64, fields={"forged": True})
    with pytest.raises(DatabaseError), transaction.atomic():
        rows.delete()
    made = document_pdf_ensure(document.pk)
    assert made.pdf_sha256
    with pytest.raises(DatabaseError), transaction.atomic():
        rows.update(pdf_sha256="b" * 64)
    assert rows.get().pdf_sha256 == made.pdf_sha256


def test_a_pdf_digest_filled_without_its_event_is_found_by_ledger_verify(staff, decided_on_spot):
    document = document_generate(
        actor=staff.zhang, case_id=decided_on_spot.pk, kind="on_spot_decision"
    )
    assert verify_ledger().ok
    # The trigger lets the digest be filled once; filled behind the services' back, with no
    # cases.document.pdf_made event, the PDF served would be one nobody recorded.
    CaseDocument.objects.filter(pk=document.pk).update(pdf_sha256=document.docx_sha256)
    assert f"document {document.pk} has a PDF digest no pdf_made event recorded" in (
        verify_ledger().problem or ""
    )


def test_the_registration_form_is_a_table_with_the_place_and_the_approval(staff, general_case):
    """立案审批表 in the usual layout: one bordered row per item, the approver's opinion last;
    the place of the violation as recorded on the case."""
    import io

    from docx import Document

    from sanxiang.cases.models import Case
    from sanxiang.evidence.storage import blob_name, open_blob

    Case.objects.filter(pk=general_case.pk).update(violation_place="测试市人民路 100 号门前")
    case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    document = document_generate(actor=staff.zhang, case_id=general_case.pk, kind="registration")
    with open_blob(blob_name(document.docx_sha256)) as handle:
        word = Document(io.BytesIO(handle.read()))
    rows = {row.cells[0].text: row.cells[1].text for row in word.tables[0].rows}
    assert rows["违法行为地点"] == "测试市人民路 100 号门前"
    assert rows["案由"] == general_case.title
    assert list(rows)[-1] == "负责人审批意见" and staff.head.name in rows["负责人审批意见"]
