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
