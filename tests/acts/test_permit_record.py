"""``permit_record``: every bad input refused with a Chinese message and nothing stored; a good
one is a row, a ledger event and a publication due in 7 working days."""

from __future__ import annotations

from datetime import date

import pytest

from sanxiang.acts.models import Permit, Standing
from sanxiang.acts.services import ActRefused, PermitRejected, permit_record
from sanxiang.disclosure.models import Publication, PublicationStatus
from sanxiang.ledger.models import LedgerEntry
from tests.acts.conftest import permit_fields


def _nothing_stored(before_entries: int) -> None:
    assert Permit.objects.count() == 0
    assert Publication.objects.count() == 0
    assert LedgerEntry.objects.count() == before_entries


def test_a_permit_is_recorded_with_its_event_and_publication_due_in_7_working_days(people):
    permit = permit_record(
        agency=people.head.unit.agency, fields=permit_fields(), source="表单", actor=people.officer
    )
    assert permit.standing == Standing.VALID
    publication = Publication.objects.get(permit=permit)
    assert publication.kind == "permit"
    assert publication.status == PublicationStatus.PENDING
    assert publication.decided_on == date(2026, 6, 8)
    # 2026-06-08 is a Monday; 7 working days later (no holiday in between in the fallback).
    assert publication.due_on >= date(2026, 6, 17)
    assert publication.fields["许可决定文书名称"] == "准予行政许可决定书"
    actions = set(LedgerEntry.objects.values_list("action", flat=True))
    assert {"acts.permit.recorded", "disclosure.publication.opened"} <= actions


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"party_credit_code": "91990100MA00005011"}, "party_credit_code", "校验位"),
        ({"authority_credit_code": "123"}, "authority_credit_code", "18 位"),
        ({"valid_until": "2026-06-01"}, "valid_until", "有效期至不能早于有效期自"),
        ({"decided_on": "2026-07-01"}, "decided_on", "不能晚于今天"),
        ({"decided_on": "2026-02-30"}, "decided_on", "不是有效日期"),
        ({"category": "许可"}, "category", "许可类别应为"),
        ({"decision": "approve"}, "decision", "决定类型应为"),
        ({"party_type": "公司"}, "party_type", "行政相对人类别应为"),
        ({"decision_number": ""}, "decision_number", "请填写许可决定文书号"),
        ({"content": "许" * 4001}, "content", "不能超过"),
        ({"decision": "revocation"}, "original", "须填写原许可决定文书号"),
        (
            {"party_type": "自然人", "party_credit_code": "", "legal_representative": "",
             "party_ref": "11010519491231002X"},
            "party_ref",
            "请勿填写身份证号码",
        ),
        ({"party_type": "自然人", "legal_representative": ""}, "party_credit_code", "自然人不填写"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_in_chinese_and_nothing_is_stored(people, changes, field, words):
    before = LedgerEntry.objects.count()
    with pytest.raises(PermitRejected) as refused:
        permit_record(
            agency=people.head.unit.agency,
            fields=permit_fields(**changes),
            source="表单",
            actor=people.head,
        )
    assert words in refused.value.errors[field]
    _nothing_stored(before)


def test_an_unknown_field_is_refused(people):
    with pytest.raises(PermitRejected) as refused:
        permit_record(
            agency=people.head.unit.agency,
            fields={**permit_fields(), "id_number": "x"},
            source="api:test",
            actor=None,
        )
    assert "不认识的字段" in refused.value.errors["__all__"]


def test_the_same_decision_number_twice_in_one_agency_is_refused_but_another_agency_may(people):
    agency = people.head.unit.agency
    permit_record(agency=agency, fields=permit_fields(), source="表单", actor=people.head)
    before = LedgerEntry.objects.count()
    with pytest.raises(PermitRejected) as refused:
        permit_record(agency=agency, fields=permit_fields(), source="表单", actor=people.head)
    assert "不能重复登记" in refused.value.errors["decision_number"]
    assert Permit.objects.count() == 1 and LedgerEntry.objects.count() == before
    other = people.other_head.unit.agency
    permit_record(agency=other, fields=permit_fields(), source="表单", actor=people.other_head)
    assert Permit.objects.count() == 2


def test_a_revocation_must_name_an_existing_original(people):
    before = LedgerEntry.objects.count()
    with pytest.raises(PermitRejected) as refused:
        permit_record(
            agency=people.head.unit.agency,
            fields=permit_fields(
                decision="revocation", decision_number="测城许撤〔2026〕1号", original="没有这个号"
            ),
            source="表单",
            actor=people.head,
        )
    assert "没有文书号为" in refused.value.errors["original"]
    _nothing_stored(before)


def test_a_revocation_marks_the_original_revoked_and_cannot_be_repeated(people):
    agency = people.head.unit.agency
    original = permit_record(
        agency=agency, fields=permit_fields(), source="表单", actor=people.head
    )
    revocation = permit_record(
        agency=agency,
        fields=permit_fields(
            decision="撤销许可", decision_number="测城许撤〔2026〕1号", original="测城许〔2026〕1号"
        ),
        source="表单",
        actor=people.head,
    )
    original.refresh_from_db()
    assert original.standing == Standing.REVOKED
    assert revocation.original == original
    assert LedgerEntry.objects.filter(
        action="acts.permit.ended", object_id=str(original.pk)
    ).exists()
    with pytest.raises(PermitRejected) as refused:
        permit_record(
            agency=agency,
            fields=permit_fields(
                decision="cancellation",
                decision_number="测城许销〔2026〕1号",
                original="测城许〔2026〕1号",
            ),
            source="表单",
            actor=people.head,
        )
    assert "不能再次撤销或注销" in refused.value.errors["original"]


def test_only_a_head_records_a_revocation_and_only_for_his_own_agency(people):
    agency = people.head.unit.agency
    permit_record(agency=agency, fields=permit_fields(), source="表单", actor=people.officer)
    ending = permit_fields(
        decision="revocation", decision_number="测城许撤〔2026〕1号", original="测城许〔2026〕1号"
    )
    with pytest.raises(ActRefused, match="负责人"):
        permit_record(agency=agency, fields=ending, source="表单", actor=people.officer)
    with pytest.raises(ActRefused, match="本机关"):
        permit_record(agency=agency, fields=permit_fields(), source="表单", actor=people.other_head)
    with pytest.raises(ActRefused, match="执法人员或负责人"):
        permit_record(agency=agency, fields=permit_fields(), source="表单", actor=people.reviewer)
    assert Permit.objects.count() == 1


def test_a_recorded_permit_row_cannot_be_edited_in_the_database(people):
    from django.db import IntegrityError, transaction
    from django.db.utils import DatabaseError

    permit = permit_record(
        agency=people.head.unit.agency, fields=permit_fields(), source="表单", actor=people.head
    )
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        Permit.objects.filter(pk=permit.pk).update(content="改过的内容")
