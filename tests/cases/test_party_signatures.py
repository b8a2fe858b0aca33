"""当事人签名 on the officer's phone: the drawn signature bound to one document version's hash,
the refusal with a witness or a recording, the checks on the image, and who may do what."""

from __future__ import annotations

import hashlib
import os
import struct
import zlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.db import DatabaseError, transaction
from django.urls import reverse

from sanxiang.cases.events import party_signature_digest
from sanxiang.cases.models import CaseDocument, PartySignature
from sanxiang.cases.services import (
    CaseRefused,
    case_transition,
    document_generate,
    party_signature_record,
    party_signature_refusal_record,
)
from sanxiang.cases.services.party_signatures import PartySignatureExists
from sanxiang.cases.signature_image import PNG_MAGIC, SignatureImageRefused
from sanxiang.evidence.storage import blob_name, open_blob
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.verify import verify_ledger
from tests.cases.conftest import HEARING_AUDIO, attach_record, evidence_on_disk
from tests.conftest import prepare_step


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    evidence_on_disk(settings, tmp_path)
    with time_machine.travel(date(2026, 5, 20), tick=False):
        yield


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path


def png(width: int = 300, height: int = 120, *, ink: bool = True, colour: int = 6) -> bytes:
    """A PNG as the signing page's canvas makes it: 8-bit RGBA, a stroke across the middle."""
    channels = 4 if colour == 6 else 3
    rows = []
    for y in range(height):
        row = bytearray(width * channels)
        if ink and height // 2 - 2 <= y <= height // 2 + 2:
            for x in range(20, width - 20):
                row[x * channels : (x + 1) * channels] = b"\x11\x11\x11\xff"[:channels]
        rows.append(b"\x00" + bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0)
    return PNG_MAGIC + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows)))\
        + chunk(b"IEND", b"")  # fmt: skip


def chunk(name: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + name + body + struct.pack(">I", zlib.crc32(name + body))


def noisy_png(width: int = 400, height: int = 300) -> bytes:
    """Random pixels: a real PNG that does not compress, larger than 200 KB."""
    raw = b"".join(b"\x00" + os.urandom(width * 4) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        PNG_MAGIC
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def data_url(image: bytes) -> str:
    import base64

    return "data:image/png;base64," + base64.b64encode(image).decode()


@pytest.fixture
def on_spot(staff, on_spot_case):
    """A 当场处罚 decided, its 当场行政处罚决定书 made (version 1)."""
    case = on_spot_case("person", Decimal("150"))
    case = case_transition(actor=staff.zhang, case_id=case.pk, action="decide_on_spot")
    document = document_generate(actor=staff.zhang, case_id=case.pk, kind="on_spot_decision")
    return case, document


INSPECTION_INPUTS = {
    "started_at": "2026-05-20T09:30",
    "ended_at": "2026-05-20T10:15",
    "place": "测试市人民路 88 号某餐饮公司后厨",
    "present": "李某（店长）",
    "findings": "油烟净化设施未开启。",
}


def inspection_record(staff, inspection, **changes):
    return document_generate(
        actor=staff.zhang,
        case_id=inspection.pk,
        kind="inspection_record",
        inputs={**INSPECTION_INPUTS, **changes},
    )


def signature_events(action: str) -> list[LedgerEntry]:
    return list(LedgerEntry.objects.filter(object_type="cases.partysignature", action=action))


# --- service -------------------------------------------------------------------------------


def test_a_drawn_signature_is_bound_to_the_versions_recorded_hash_and_ledgered(staff, on_spot):
    case, document = on_spot
    image = png()
    record = party_signature_record(
        actor=staff.zhang, case_id=case.pk, document_id=document.pk, image=image
    )
    generated = LedgerEntry.objects.get(
        action="cases.document.generated", object_id=str(document.pk)
    )
    assert record.document_sha256 == generated.content_sha256 == document.docx_sha256
    assert record.image_sha256 == hashlib.sha256(image).hexdigest()
    assert (record.image_width, record.image_height) == (300, 120)
    with open_blob(blob_name(record.image_sha256)) as handle:
        assert handle.read() == image
    (entry,) = signature_events("cases.document.party_signed")
    assert entry.object_id == str(record.pk)
    assert entry.content_sha256 == party_signature_digest(record)
    assert verify_ledger().ok


def test_signing_the_same_version_twice_is_refused_in_chinese(staff, on_spot):
    case, document = on_spot
    party_signature_record(actor=staff.zhang, case_id=case.pk, document_id=document.pk, image=png())
    with pytest.raises(PartySignatureExists, match="不能重复记录"):
        party_signature_record(
            actor=staff.li, case_id=case.pk, document_id=document.pk, image=png(320, 140)
        )
    with pytest.raises(PartySignatureExists, match="不能重复记录"):
        party_signature_refusal_record(
            actor=staff.zhang, case_id=case.pk, document_id=document.pk,
            reason="当事人拒绝签名", witness_name="赵某",
        )  # fmt: skip
    assert PartySignature.objects.count() == 1
    assert len(signature_events("cases.document.party_signed")) == 1


def test_a_new_version_needs_a_new_signature_and_the_old_one_is_not_signed_any_more(
    staff, inspection
):
    first = inspection_record(staff, inspection)
    party_signature_record(
        actor=staff.zhang, case_id=inspection.pk, document_id=first.pk, image=png()
    )
    second = inspection_record(staff, inspection, findings="油烟净化设施未开启，排烟管道直排。")
    assert second.version == 2 and not PartySignature.objects.filter(document=second).exists()
    record = party_signature_record(
        actor=staff.zhang, case_id=inspection.pk, document_id=second.pk, image=png()
    )
    assert record.document_sha256 == second.docx_sha256 != first.docx_sha256
    third = inspection_record(staff, inspection, findings="排烟管道直排。")
    with pytest.raises(CaseRefused, match="已有新版本"):
        party_signature_refusal_record(
            actor=staff.zhang, case_id=inspection.pk, document_id=second.pk,
            reason="拒绝", witness_name="赵某",
        )  # fmt: skip
    assert not PartySignature.objects.filter(document=third).exists()


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (png(ink=False), "没有笔迹"),
        (b"", "请当事人在签名框内签名"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 500, "须为 PNG"),
        (b"GIF89a" + b"\x00" * 100, "须为 PNG"),
        (noisy_png(), "过大"),
        (png(3000, 100), "尺寸"),
        (png(300, 20), "尺寸"),
        (png(colour=2), "签名页生成的 PNG"),
        (png()[:-20], "已损坏"),
        (png()[:40] + b"\x00" + png()[41:], "已损坏"),
    ],
    ids=["blank", "empty", "jpeg", "gif", "oversized", "too-wide", "too-low", "rgb", "cut",
         "bad-crc"],
)  # fmt: skip
def test_a_bad_image_is_refused_in_chinese_and_nothing_is_stored(
    staff, on_spot, store, image, message
):
    case, document = on_spot
    before = sorted(p for p in store.rglob("*") if p.is_file())
    with pytest.raises(SignatureImageRefused, match=message):
        party_signature_record(
            actor=staff.zhang, case_id=case.pk, document_id=document.pk, image=image
        )
    assert not PartySignature.objects.exists()
    assert not signature_events("cases.document.party_signed")
    assert sorted(p for p in store.rglob("*") if p.is_file()) == before


def test_a_bomb_of_image_data_is_refused_without_inflating_it(staff, on_spot):
    case, document = on_spot
    header = struct.pack(">IIBBBBB", 300, 120, 8, 6, 0, 0, 0)
    bomb = zlib.compress(b"\x00" * 50_000_000, 9)  # ~50 KB that would inflate to 50 MB
    image = PNG_MAGIC + chunk(b"IHDR", header) + chunk(b"IDAT", bomb) + chunk(b"IEND", b"")
    assert len(image) < 200 * 1024
    with pytest.raises(SignatureImageRefused, match="已损坏"):
        party_signature_record(
            actor=staff.zhang, case_id=case.pk, document_id=document.pk, image=image
        )


def test_only_a_handler_of_the_case_may_record_the_partys_signature(staff, on_spot):
    case, document = on_spot
    for outsider in (staff.wang, staff.zhou):  # same unit but not handling it; a reviewer
        with pytest.raises(CaseRefused):
            party_signature_record(
                actor=outsider, case_id=case.pk, document_id=document.pk, image=png()
            )
    assert not PartySignature.objects.exists()


def test_a_document_the_party_does_not_sign_on_the_spot_is_refused(staff, on_spot):
    case, _document = on_spot
    registration = CaseDocument.objects.create(  # a version as an earlier state made it
        case=case, kind="registration", version=1, docx_sha256="0" * 64,
        verification_code="0123456789ab", created_by=staff.zhang,
    )  # fmt: skip
    with pytest.raises(CaseRefused, match="不是现场交当事人签名的文书"):
        party_signature_record(
            actor=staff.zhang, case_id=case.pk, document_id=registration.pk, image=png()
        )


def test_a_version_of_another_case_is_refused(staff, on_spot, inspection):
    _case, document = on_spot
    with pytest.raises(CaseRefused, match="本案没有该文书版本"):
        party_signature_record(
            actor=staff.zhang, case_id=inspection.pk, document_id=document.pk, image=png()
        )


def test_a_closed_case_takes_no_signature(staff, inspection):
    document = inspection_record(staff, inspection)
    attach_record(staff, inspection)
    for action in ("check", "find_nothing", "close"):
        prepare_step(staff.zhang, inspection.pk, action)
        case = case_transition(actor=staff.zhang, case_id=inspection.pk, action=action)
    assert case.state == "closed"
    with pytest.raises(CaseRefused, match="已结案或归档"):
        party_signature_record(
            actor=staff.zhang, case_id=inspection.pk, document_id=document.pk, image=png()
        )


def test_a_refusal_needs_what_happened_and_a_witness_or_a_recording_of_the_case(staff, on_spot):
    case, document = on_spot
    ids = {"actor": staff.zhang, "case_id": case.pk, "document_id": document.pk}
    with pytest.raises(CaseRefused, match="请写明当事人拒绝签名的情况"):
        party_signature_refusal_record(**ids, reason=" ", witness_name="赵某")
    with pytest.raises(CaseRefused, match="须有见证人"):
        party_signature_refusal_record(**ids, reason="当事人拒绝签名")
    with pytest.raises(CaseRefused, match="执法人员以外"):
        party_signature_refusal_record(**ids, reason="当事人拒绝签名", witness_name="李娜")
    photo = attach_record(staff, case, kind="photo", data=b"\xff\xd8\xff photo", filename="a.jpg")
    with pytest.raises(CaseRefused, match="没有记录编号"):
        party_signature_refusal_record(**ids, reason="拒绝", recording_id=str(photo.record_id))
    assert not PartySignature.objects.exists()
    record = party_signature_refusal_record(
        **ids, reason="当事人称不认可处罚，拒绝签名", witness_name="赵某",
        witness_identifier="11010519491231002X", witness_unit="人民路社区居委会",
    )  # fmt: skip
    assert (record.outcome, record.image_sha256, record.witness_unit) == (
        "refused", "", "人民路社区居委会",
    )  # fmt: skip
    (entry,) = signature_events("cases.document.party_refused_to_sign")
    assert entry.content_sha256 == party_signature_digest(record)
    assert verify_ledger().ok


def test_a_refusal_may_rest_on_a_recording_registered_for_the_case(staff, on_spot):
    case, document = on_spot
    video = attach_record(staff, case, kind="audio", data=HEARING_AUDIO, filename="拒签.mp3")
    record = party_signature_refusal_record(
        actor=staff.zhang, case_id=case.pk, document_id=document.pk,
        reason="当事人拒绝签名，全程录像", recording_id=str(video.record_id),
    )  # fmt: skip
    assert record.recording_id == str(video.record_id) and record.witness_name == ""


def test_the_party_signatures_are_append_only(staff, on_spot):
    case, document = on_spot
    record = party_signature_record(
        actor=staff.zhang, case_id=case.pk, document_id=document.pk, image=png()
    )
    for change in (
        lambda: PartySignature.objects.filter(pk=record.pk).update(image_sha256="0" * 64),
        lambda: PartySignature.objects.filter(pk=record.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            change()


def test_verify_finds_a_signature_image_replaced_in_storage(staff, on_spot, store):
    case, document = on_spot
    record = party_signature_record(
        actor=staff.zhang, case_id=case.pk, document_id=document.pk, image=png()
    )
    (store / blob_name(record.image_sha256)).write_bytes(png(310, 130))
    assert f"blob {record.image_sha256} has been altered" in verify_ledger().problem


# --- pages ---------------------------------------------------------------------------------


def sign_url(case, document) -> str:
    return reverse("cases:party-sign", args=[case.pk, document.pk])


def test_the_signing_page_offers_the_pad_and_the_refusal_to_a_handler(staff, on_spot, client):
    case, document = on_spot
    client.force_login(staff.zhang.user)
    page = client.get(sign_url(case, document)).content.decode()
    assert 'id="sign-pad"' in page and "当场行政处罚决定书" in page and "第 1 版" in page
    assert "当事人拒绝签名" in page and "行政强制法第十八条" in page


def test_a_drawn_signature_posted_from_the_page_is_recorded(staff, on_spot, client):
    case, document = on_spot
    client.force_login(staff.zhang.user)
    response = client.post(sign_url(case, document), {"signature": data_url(png())})
    assert response.status_code == 302
    assert PartySignature.objects.get().document == document
    again = client.post(sign_url(case, document), {"signature": data_url(png())})
    assert again.status_code == 409 and "不能重复记录" in again.content.decode()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "请当事人在签名框内签名"),
        ("data:image/jpeg;base64,/9j/4AAQ", "须为 PNG"),
        ("data:image/png;base64,!!!not base64", "无法识别"),
        ("data:image/png;base64," + "A" * 300_000, "过大"),
    ],
)
def test_a_bad_signature_posted_is_a_chinese_400_and_nothing_is_stored(
    staff, on_spot, client, value, message
):
    case, document = on_spot
    client.force_login(staff.zhang.user)
    response = client.post(sign_url(case, document), {"signature": value})
    assert response.status_code == 400 and message in response.content.decode()
    assert not PartySignature.objects.exists()


def test_a_blank_canvas_posted_is_a_chinese_400(staff, on_spot, client):
    case, document = on_spot
    client.force_login(staff.zhang.user)
    response = client.post(sign_url(case, document), {"signature": data_url(png(ink=False))})
    assert response.status_code == 400 and "没有笔迹" in response.content.decode()


def test_a_version_of_another_case_in_the_address_is_a_chinese_404(
    staff, on_spot, inspection, client
):
    _case, document = on_spot
    client.force_login(staff.zhang.user)
    response = client.post(sign_url(inspection, document), {"signature": data_url(png())})
    assert response.status_code == 404
    assert not PartySignature.objects.exists()


def test_an_officer_not_handling_the_case_is_refused_by_the_server(staff, on_spot, client):
    case, document = on_spot
    client.force_login(staff.wang.user)  # sees his unit's case, does not handle it
    response = client.post(sign_url(case, document), {"signature": data_url(png())})
    assert response.status_code == 400 and "只有本案承办人或负责人" in response.content.decode()
    refused = client.post(
        reverse("cases:party-refusal", args=[case.pk, document.pk]),
        {"reason": "拒绝", "witness_name": "赵某"},
    )
    assert refused.status_code == 400
    assert not PartySignature.objects.exists()


def test_a_refusal_without_a_witness_comes_back_with_what_was_typed(staff, on_spot, client):
    case, document = on_spot
    client.force_login(staff.zhang.user)
    url = reverse("cases:party-refusal", args=[case.pk, document.pk])
    response = client.post(url, {"reason": "当事人离开现场"})
    page = response.content.decode()
    assert response.status_code == 400 and "须有见证人" in page and "当事人离开现场" in page
    response = client.post(url, {"reason": "当事人拒绝签名", "witness_name": "赵某"})
    assert response.status_code == 302


def test_the_case_page_says_for_each_version_whether_the_party_signed(staff, inspection, client):
    first = inspection_record(staff, inspection)
    party_signature_refusal_record(
        actor=staff.zhang, case_id=inspection.pk, document_id=first.pk,
        reason="拒绝签名", witness_name="赵某",
    )  # fmt: skip
    second = inspection_record(staff, inspection, findings="排烟管道直排。")
    client.force_login(staff.zhang.user)
    page = client.get(reverse("cases:detail", args=[inspection.pk])).content.decode()
    assert "当事人拒绝签名</strong>（见证人：赵某）" in page
    assert sign_url(inspection, second) in page and "未签名" in page
    assert sign_url(inspection, first) not in page
    party_signature_record(
        actor=staff.zhang, case_id=inspection.pk, document_id=second.pk, image=png()
    )
    page = client.get(reverse("cases:detail", args=[inspection.pk])).content.decode()
    assert "当事人已签名</strong> 2026-05-20" in page


def test_each_look_at_a_signature_image_goes_through_the_gate_and_is_recorded(
    staff, on_spot, client
):
    case, document = on_spot
    image = png()
    record = party_signature_record(
        actor=staff.zhang, case_id=case.pk, document_id=document.pk, image=image
    )
    url = reverse("cases:party-signature-image", args=[record.pk])
    client.force_login(staff.zhou.user)  # 法制审核人员: this case was not sent to him
    assert client.get(url).status_code == 404
    assert not signature_events("cases.partysignature.viewed")
    client.force_login(staff.zhang.user)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content == image and "no-store" in response["Cache-Control"]
    (look,) = signature_events("cases.partysignature.viewed")
    assert look.actor == staff.zhang.ledger_actor and look.content_sha256 == record.image_sha256
    assert verify_ledger().ok


def test_the_public_verification_says_the_party_signed_with_the_hash_and_no_image(
    staff, on_spot, client
):
    case, document = on_spot
    verify = reverse("portal:document-verify", args=[document.verification_code])
    assert "签名情况：未在执法终端上签名" in client.get(verify).content.decode()
    record = party_signature_record(
        actor=staff.zhang, case_id=case.pk, document_id=document.pk, image=png()
    )
    page = client.get(verify).content.decode()
    assert "签名情况：已签名" in page and record.image_sha256 in page
    assert "party-signatures" not in page and "<img" not in page.split("proof-party-signature")[1]


def test_the_public_verification_of_a_refusal_names_no_witness(staff, on_spot, client):
    case, document = on_spot
    party_signature_refusal_record(
        actor=staff.zhang, case_id=case.pk, document_id=document.pk,
        reason="拒绝签名", witness_name="赵某", witness_identifier="11010519491231002X",
    )  # fmt: skip
    page = client.get(
        reverse("portal:document-verify", args=[document.verification_code])
    ).content.decode()
    assert "签名情况：拒绝签名" in page and "赵某" not in page and "11010519491231002X" not in page


def test_the_on_site_documents_carry_the_partys_signature_line_and_the_refusal_note(
    staff, on_spot, inspection
):
    import io

    from docx import Document

    from sanxiang.cases.documents import PARTY_SIGNED_KINDS

    _case, decision = on_spot
    record = inspection_record(staff, inspection)
    for document, who in ((decision, "当事人（签收）"), (record, "当事人或在场人员")):
        with open_blob(blob_name(document.docx_sha256)) as handle:
            word = Document(io.BytesIO(handle.read()))
        text = "\n".join(p.text for p in word.paragraphs)
        assert f"{who}签名：" in text and "日期：" in text
        assert f"{who}拒绝签名，见证人：" in text and "见证人签名：" in text
        width, height = word.sections[0].page_width, word.sections[0].page_height
        assert width is not None and height is not None
        assert (round(width.mm), round(height.mm)) == (210, 297)
    assert {"inspection_record", "inquiry_record", "on_spot_decision", "service_proof",
            "seizure_list"} == PARTY_SIGNED_KINDS  # fmt: skip
