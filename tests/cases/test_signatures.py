"""负责人审批的电子签名: a head's approval carries his own Ed25519 signature of exactly the step
he approved, where the agency requires it; the server keeps only public keys."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
import time_machine
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.utils import timezone

from sanxiang.cases.models import ApprovalSignature, CaseRules
from sanxiang.cases.services import case_transition
from sanxiang.cases.signing import ApprovalSignatureRefused, Signed, approval_text
from sanxiang.ledger.models import LedgerEntry
from sanxiang.org.signatures import SignatureRefused, signing_key_register

pytestmark = pytest.mark.django_db


def new_key(officer):
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    signing_key_register(officer=officer, public_key_b64=base64.b64encode(raw).decode())
    return private


def sign(private, text):
    return Signed(text, base64.b64encode(private.sign(text.encode("utf-8"))).decode())


@pytest.fixture
def required(staff):
    CaseRules.objects.create(agency=staff.head.unit.agency, approvals_signed=True)


def test_where_required_an_unsigned_approval_is_refused_and_nothing_changes(
    staff, general_case, required
):
    with pytest.raises(ApprovalSignatureRefused, match="须电子签名"):
        case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    general_case.refresh_from_db()
    assert general_case.state == "clue" and not general_case.number


def test_a_signed_approval_is_taken_kept_and_anchored_in_the_ledger(staff, general_case, required):
    from sanxiang.ledger.verify import verify_ledger

    private = new_key(staff.head)
    signed = sign(private, approval_text(general_case, "register", staff.head))
    case = case_transition(
        actor=staff.head, case_id=general_case.pk, action="register", signed=signed
    )
    assert case.state == "investigating"
    record = ApprovalSignature.objects.get(case=case)
    assert record.action == "register" and '"环节":"立案"' in record.text
    assert LedgerEntry.objects.filter(action="cases.approval.signed").count() == 1
    assert not verify_ledger().problem


def test_a_signature_of_another_step_or_of_a_changed_case_is_refused(staff, general_case, required):
    private = new_key(staff.head)
    other_step = sign(private, approval_text(general_case, "decline", staff.head))
    with pytest.raises(ApprovalSignatureRefused, match="发生了变化"):
        case_transition(
            actor=staff.head, case_id=general_case.pk, action="register", signed=other_step
        )
    before = sign(private, approval_text(general_case, "register", staff.head))
    general_case.facts = "当事人在人民路 9 号门前搭建棚屋。"
    general_case.save(update_fields=["facts"])
    with pytest.raises(ApprovalSignatureRefused, match="发生了变化"):
        case_transition(actor=staff.head, case_id=general_case.pk, action="register", signed=before)
    assert not ApprovalSignature.objects.exists()


def test_a_forged_or_stale_signature_is_refused(staff, general_case, required):
    new_key(staff.head)
    stranger = Ed25519PrivateKey.generate()
    forged = sign(stranger, approval_text(general_case, "register", staff.head))
    with pytest.raises(SignatureRefused, match="验证未通过"):
        case_transition(actor=staff.head, case_id=general_case.pk, action="register", signed=forged)
    private = new_key(staff.head)  # the first key is revoked by the new one
    stale = sign(
        private,
        approval_text(
            general_case, "register", staff.head, now=timezone.now() - timedelta(minutes=31)
        ),
    )
    with pytest.raises(ApprovalSignatureRefused, match="已过期"):
        case_transition(actor=staff.head, case_id=general_case.pk, action="register", signed=stale)


def test_a_revoked_key_no_longer_signs_but_its_signatures_still_verify(
    staff, general_case, required
):
    from sanxiang.ledger.verify import verify_ledger

    old = new_key(staff.head)
    case_transition(
        actor=staff.head,
        case_id=general_case.pk,
        action="register",
        signed=sign(old, approval_text(general_case, "register", staff.head)),
    )
    new_key(staff.head)
    assert not verify_ledger().problem
    general_case.refresh_from_db()
    with pytest.raises(SignatureRefused, match="验证未通过"):
        case_transition(
            actor=staff.head,
            case_id=general_case.pk,
            action="withdraw",
            signed=sign(old, approval_text(general_case, "withdraw", staff.head)),
        )


def test_an_officer_step_needs_no_signature_and_an_unsigned_head_step_is_fine_by_default(
    staff, general_case
):
    assert case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    assert not ApprovalSignature.objects.exists()


def test_ledger_verify_finds_a_signature_altered_behind_the_triggers(staff, general_case, required):
    from django.db import connection

    from sanxiang.ledger.verify import verify_ledger
    from tests.ledger.conftest import lift_triggers

    private = new_key(staff.head)
    case_transition(
        actor=staff.head,
        case_id=general_case.pk,
        action="register",
        signed=sign(private, approval_text(general_case, "register", staff.head)),
    )
    record = ApprovalSignature.objects.get()
    lift_triggers(("cases_approvalsignature",))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_approvalsignature SET text = REPLACE(text, '立案', '不予立案')"
            " WHERE id = %s",
            [record.pk],
        )
    assert f"approval signature {record.pk}" in (verify_ledger().problem or "")


def test_registering_a_key_needs_the_password_again(client, staff):
    raw = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    client.force_login(staff.head.user)
    public = base64.b64encode(raw).decode()
    client.post("/office/signing-key/", {"public_key": public, "password": "wrong"})
    assert not staff.head.signing_keys.exists()
    client.post("/office/signing-key/", {"public_key": public, "password": "correct horse battery"})
    assert staff.head.signing_keys.get().revoked_at is None
    page = client.get("/office/signing-key/").content.decode()
    assert staff.head.signing_keys.get().key_id in page


def test_the_case_page_offers_the_text_to_sign_to_a_head_only(client, staff, general_case):
    client.force_login(staff.head.user)
    with time_machine.travel(timezone.now(), tick=False):
        page = client.get(f"/office/cases/{general_case.pk}/").content.decode()
    assert 'name="signed_text"' in page and "data-sign" in page
    client.force_login(staff.zhang.user)
    handler_page = client.get(f"/office/cases/{general_case.pk}/").content.decode()
    assert 'name="signed_text"' not in handler_page


@pytest.mark.parametrize(
    "raw",
    [
        bytes([1]) + bytes(31),  # the identity point: one signature would "verify" every text
        bytes.fromhex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
        bytes([0xFF] * 31 + [0x7F]),  # y >= p: not a canonical encoding
    ],
)
def test_a_weak_or_malformed_public_key_is_refused(staff, raw):
    with pytest.raises(SignatureRefused, match="公钥无效"):
        signing_key_register(officer=staff.head, public_key_b64=base64.b64encode(raw).decode())
    assert not staff.head.signing_keys.exists()


def test_real_keys_from_many_generations_are_accepted(staff):
    from sanxiang.org.signatures import _is_sound_key

    for _ in range(20):
        raw = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        assert _is_sound_key(raw)
