"""The decision names the case's own evidence and the place the violation was recorded at."""

from __future__ import annotations

from sanxiang.cases.documents import evidence_summary, violation_place
from tests.cases.conftest import attach_record


def test_the_evidence_list_is_the_cases_own_records(staff, inspection):
    assert evidence_summary(inspection) == "（本案尚未登记证据）"
    item = attach_record(staff, inspection)
    listed = evidence_summary(inspection)
    assert item.proves in listed and item.record_id in listed and item.location in listed
    assert "照片" not in listed  # nothing that is not on file


def test_the_place_is_the_one_recorded_on_the_case(staff, inspection):
    assert violation_place(inspection) == "（未登记）"
    inspection.violation_place = "测试市人民路 100 号门前"
    inspection.save()
    assert violation_place(inspection) == "测试市人民路 100 号门前"


def test_the_handlers_record_the_place_with_the_facts_and_it_is_ledgered(
    client, staff, general_case
):
    from sanxiang.cases.models import Case
    from sanxiang.ledger.models import LedgerEntry

    client.force_login(staff.zhang.user)
    before = LedgerEntry.objects.filter(object_type="cases.case").count()
    client.post(
        f"/office/cases/{general_case.pk}/assess",
        {"facts": "占道经营", "violation_place": "  测试市人民路\n100 号门前 "},
    )
    case = Case.objects.get(pk=general_case.pk)
    assert case.violation_place == "测试市人民路 100 号门前"
    assert violation_place(case) == "测试市人民路 100 号门前"
    assert LedgerEntry.objects.filter(object_type="cases.case").count() == before + 1
    page = client.get(f"/office/cases/{case.pk}/").content.decode()
    assert "测试市人民路 100 号门前" in page
    refused = client.post(
        f"/office/cases/{case.pk}/assess",
        {"facts": "占道经营", "violation_place": "路" * 201},
        follow=True,
    )
    assert "不能超过 200 字" in refused.content.decode()
    assert Case.objects.get(pk=case.pk).violation_place == "测试市人民路 100 号门前"
