"""The other acts (征收征用, 确认, 给付, 裁决, 其他): fields declared as data, the same checks and
publication path as a permit (20 working days)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from sanxiang.acts.models import ActField, OtherAct
from sanxiang.acts.services import ActRejected, act_record
from sanxiang.disclosure.models import Publication
from sanxiang.ledger.models import LedgerEntry
from tests.acts.conftest import company_code

BENEFIT = {
    "party_name": "示范市某某养老服务中心",
    "party_type": "法人及非法人组织",
    "party_credit_code": company_code(77),
    "decision_number": "测城给〔2026〕1号",
    "title": "运营补贴给付决定",
    "content": "给付养老机构运营补贴",
    "decided_on": "2026-06-01",
    "item": "养老机构运营补贴",
    "amount_yuan": "50000",
    "basis": "示范市养老服务条例第二十条",
}


def test_an_act_is_recorded_with_its_declared_fields_and_published_within_20_working_days(
    people,
):
    act = act_record(
        agency=people.head.unit.agency, kind="benefit", fields=BENEFIT, source="表单",
        actor=people.officer,
    )  # fmt: skip
    assert act.extra == {
        "item": "养老机构运营补贴",
        "amount_yuan": "50000",
        "basis": BENEFIT["basis"],
    }
    publication = Publication.objects.get(act=act)
    assert publication.kind == "other" and publication.decided_on == date(2026, 6, 1)
    assert publication.due_on >= date(2026, 6, 29)  # 20 working days
    assert publication.fields["给付项目"] == "养老机构运营补贴"
    assert LedgerEntry.objects.filter(action="acts.act.recorded").count() == 1


def test_a_field_the_kind_declares_required_is_asked_for_and_a_new_row_adds_a_field(people):
    agency = people.head.unit.agency
    with pytest.raises(ActRejected) as refused:
        act_record(
            agency=agency, kind="benefit", fields={**BENEFIT, "item": ""}, source="表单",
            actor=people.officer,
        )  # fmt: skip
    assert refused.value.errors["item"] == "请填写给付项目。"
    with pytest.raises(ActRejected) as refused:
        act_record(
            agency=agency, kind="benefit", fields={**BENEFIT, "bank": "x"}, source="表单",
            actor=people.officer,
        )  # fmt: skip
    assert "不认识的字段" in refused.value.errors["__all__"]
    ActField.objects.create(kind="benefit", key="bank", position=9, label="开户银行", basis="测试")
    act_record(
        agency=agency, kind="benefit", fields={**BENEFIT, "bank": "示范银行"}, source="表单",
        actor=people.officer,
    )  # fmt: skip
    assert OtherAct.objects.get().extra["bank"] == "示范银行"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"party_credit_code": "91990100MA0000077X"}, "party_credit_code", "校验位"),
        ({"decided_on": "2026-13-01"}, "decided_on", "不是有效日期"),
        ({"decided_on": "2026-07-01"}, "decided_on", "不能晚于今天"),
        ({"party_type": "自然人"}, "party_credit_code", "自然人不填写"),
        ({"title": ""}, "title", "请填写决定名称"),
    ],
)
def test_bad_input_for_an_other_act_is_refused_and_nothing_stored(people, changes, field, words):
    before = LedgerEntry.objects.count()
    with pytest.raises(ActRejected) as refused:
        act_record(
            agency=people.head.unit.agency, kind="benefit", fields={**BENEFIT, **changes},
            source="表单", actor=people.officer,
        )  # fmt: skip
    assert words in refused.value.errors[field]
    assert OtherAct.objects.count() == 0 and LedgerEntry.objects.count() == before


def test_a_duplicate_number_or_unknown_kind_is_refused(people):
    agency = people.head.unit.agency
    act_record(agency=agency, kind="benefit", fields=BENEFIT, source="表单", actor=people.officer)
    with pytest.raises(ActRejected) as refused:
        act_record(
            agency=agency, kind="benefit", fields=BENEFIT, source="表单", actor=people.officer
        )
    assert "不能重复登记" in refused.value.errors["decision_number"]
    with pytest.raises(ActRejected) as refused:
        act_record(agency=agency, kind="grant", fields=BENEFIT, source="表单", actor=people.officer)
    assert "行为类别应为" in refused.value.errors["kind"]


def test_a_publication_belongs_to_exactly_one_decision(people):
    act = act_record(
        agency=people.head.unit.agency, kind="benefit", fields=BENEFIT, source="表单",
        actor=people.officer,
    )  # fmt: skip
    publication = Publication.objects.get(act=act)
    with pytest.raises(IntegrityError), transaction.atomic():
        Publication.objects.filter(pk=publication.pk).update(act=None)
