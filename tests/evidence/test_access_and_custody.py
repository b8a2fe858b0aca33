"""调阅 scope and log, corrections as versions, custody hand-over."""

from __future__ import annotations

import pytest

from sanxiang.evidence import selectors
from sanxiang.evidence.models import AccessRecord, EvidenceItem
from sanxiang.evidence.services import (
    EvidenceNotFound,
    EvidenceRefused,
    TargetSpec,
    case_records_open,
    evidence_correct,
    evidence_hand_over,
    evidence_open,
    evidence_register,
    target_register,
)
from sanxiang.ledger.models import LedgerEntry
from tests.evidence.conftest import metadata, upload


@pytest.fixture
def item(people):
    return evidence_register(actor=people.zhang, upload=upload(), metadata=metadata(people))


def test_own_unit_opens_without_a_reason_and_the_look_is_recorded(people, item):
    _, record = evidence_open(actor=people.li, item_id=item.pk, action="view")
    assert (record.officer, record.action, record.reason) == (people.li, "view", "")
    event = LedgerEntry.objects.get(sequence=record.ledger_sequence)
    assert (event.action, event.object_id, event.actor) == (
        "evidence.viewed",
        str(item.pk),
        f"user:{people.li.user_id}",
    )
    assert event.content_sha256 == item.blob_id


def test_another_unit_is_told_the_record_does_not_exist(people, item):
    with pytest.raises(EvidenceNotFound) as caught:
        evidence_open(actor=people.chen, item_id=item.pk, action="view")
    with pytest.raises(EvidenceNotFound) as absent:
        evidence_open(actor=people.chen, item_id=999_999, action="view")
    assert caught.value.message == absent.value.message == "未找到该记录，或您无权调阅。"
    assert not AccessRecord.objects.exists()


def test_an_officer_of_another_agency_cannot_see_it(people, item):
    with pytest.raises(EvidenceNotFound):
        evidence_open(actor=people.outsider, item_id=item.pk, action="download")
    assert item not in selectors.evidence_list_for(officer=people.outsider)


@pytest.mark.parametrize("who", ["head", "supervisor"])
def test_head_and_supervisor_must_give_a_reason_which_is_recorded(people, item, who):
    reader = getattr(people, who)
    with pytest.raises(EvidenceRefused, match="须填写调阅理由"):
        evidence_open(actor=reader, item_id=item.pk, action="view")
    _, record = evidence_open(actor=reader, item_id=item.pk, action="download", reason="案卷评查")
    assert record.reason == "案卷评查"
    assert LedgerEntry.objects.get(sequence=record.ledger_sequence).action == "evidence.downloaded"


def test_case_access_history_lists_every_look(people, item):
    evidence_open(actor=people.li, item_id=item.pk, action="view")
    evidence_open(actor=people.head, item_id=item.pk, action="view", reason="审批前查阅")
    history = selectors.access_history_of_case(officer=people.zhang, case_number=item.case_number)
    assert [(a.officer and a.officer.name, a.reason) for a in history] == [
        ("刘志强", "审批前查阅"),
        ("李娜", ""),
    ]


def test_a_correction_is_a_new_version_and_the_old_one_stays(people, item):
    new = evidence_correct(
        actor=people.zhang,
        item_id=item.pk,
        changes={"location": "人民路 102 号"},
        reason="门牌号笔误",
    )
    old = EvidenceItem.objects.get(pk=item.pk)
    assert (old.version, old.location) == (1, "测试市人民路 100 号门前")
    assert (new.version, new.location, new.supersedes_id, new.blob_id) == (
        2,
        "人民路 102 号",
        old.pk,
        old.blob_id,
    )
    assert list(selectors.evidence_list_for(officer=people.zhang)) == [new]
    event = LedgerEntry.objects.get(action="evidence.corrected")
    assert event.object_id == str(new.pk) and event.content_sha256 != item.blob_id
    with pytest.raises(EvidenceRefused, match="已被更正"):
        evidence_correct(actor=people.zhang, item_id=old.pk, changes={"device": "x"}, reason="再改")


def test_only_the_handling_unit_may_correct(people, item):
    with pytest.raises(EvidenceRefused, match="承办机构"):
        evidence_correct(
            actor=people.head, item_id=item.pk, changes={"device": "手机"}, reason="更正"
        )


def test_correction_without_a_reason_is_refused(people, item):
    with pytest.raises(EvidenceRefused, match="更正原因"):
        evidence_correct(
            actor=people.zhang, item_id=item.pk, changes={"device": "手机"}, reason=" "
        )


def test_hand_over_moves_custody_and_is_recorded(people, item):
    assert selectors.current_custodian(item.record_id) == people.zhang
    transfer = evidence_hand_over(
        actor=people.zhang, item_id=item.pk, to_officer=people.li, reason="调岗移交"
    )
    assert selectors.current_custodian(item.record_id) == people.li
    assert (
        LedgerEntry.objects.get(sequence=transfer.ledger_sequence).action == "evidence.handed_over"
    )
    with pytest.raises(EvidenceRefused, match="当前保管人（李娜）"):
        evidence_hand_over(
            actor=people.zhang, item_id=item.pk, to_officer=people.chen, reason="再次移交"
        )


def test_records_about_one_target_are_gathered_across_cases_within_scope(people):
    shop = target_register(
        actor=people.zhang,
        spec=TargetSpec("organisation", "测试市某某餐饮有限公司", "91440300708461136T"),
    )
    for number, who in (("测城执罚〔2026〕1号", people.zhang), ("测城执罚〔2026〕5号", people.li)):
        evidence_register(
            actor=who, upload=upload(), metadata=metadata(people, case_number=number, target=shop)
        )
    evidence_register(
        actor=people.chen,
        upload=upload(),
        metadata=metadata(
            people, case_number="测城执罚〔2026〕9号", target=shop, collector=people.chen
        ),
    )
    mine = selectors.evidence_list_for(officer=people.zhang, target_id=shop.pk)
    assert sorted(i.case_number for i in mine) == ["测城执罚〔2026〕1号", "测城执罚〔2026〕5号"]
    assert not selectors.evidence_list_for(officer=people.head, target_id=shop.pk), (
        "lists show one's own unit only; other units' records need a reasoned search"
    )


def test_a_reasoned_case_search_lists_other_units_records_and_records_each_look(people):
    item = evidence_register(
        actor=people.chen, upload=upload(), metadata=metadata(people, collector=people.chen)
    )
    with pytest.raises(EvidenceRefused, match="须填写调阅理由"):
        case_records_open(actor=people.head, case_number=item.case_number, reason="")
    with pytest.raises(EvidenceRefused, match="只有负责人和监督人员"):
        case_records_open(actor=people.zhang, case_number=item.case_number, reason="好奇")
    found = case_records_open(
        actor=people.supervisor, case_number=item.case_number, reason="案卷评查"
    )
    assert found == [item]
    record = AccessRecord.objects.get()
    assert (record.officer, record.action, record.reason) == (people.supervisor, "list", "案卷评查")
    assert LedgerEntry.objects.get(sequence=record.ledger_sequence).action == "evidence.listed"


def test_a_target_needs_a_valid_identifier(people):
    with pytest.raises(EvidenceRefused, match="校验位"):
        target_register(actor=people.zhang, spec=TargetSpec("person", "张三", "110101199003071234"))
    assert target_register(
        actor=people.zhang, spec=TargetSpec("person", "张三", "11010519491231002X")
    ).pk
