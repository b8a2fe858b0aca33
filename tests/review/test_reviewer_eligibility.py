"""办、审分离 rests on what the reviewer did himself, not on what others typed about him."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from sanxiang.evidence.services import Upload, evidence_register
from sanxiang.evidence.storage import digest_stream
from sanxiang.org.models import RoleAssignment
from sanxiang.review.services import ReviewRefused, review_submit
from tests.review.conftest import declared_all

NOW = datetime(2026, 6, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def register_photo(case, *, actor, collector):
    data = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    handle = io.BytesIO(data)
    return evidence_register(
        actor=actor,
        upload=Upload(handle=handle, filename="现场照片.png", digests=digest_stream(handle)),
        metadata={
            "case_number": case.number,
            "kind": "photo",
            "collected_at": datetime(2026, 5, 21, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
            "location": "测试市人民路",
            "collector": collector,
            "proves": "占道经营现场",
            "device": "执法记录仪 DSJ-001",
        },
    )


def submit(staff, case):
    return review_submit(
        actor=staff.zhang,
        case_id=case.pk,
        declared=declared_all(case.agency),
        confirmed=True,
    )


def test_naming_the_only_reviewer_as_collector_does_not_make_him_ineligible(staff, notified_case):
    # 张伟 registers a photo and types 周婷 (the agency's only 法制审核人员) as its 采集人.
    item = register_photo(notified_case, actor=staff.zhang, collector=staff.zhou)
    assert item.collector == staff.zhou and item.created_by == staff.zhang
    assert submit(staff, notified_case).reviewer == staff.zhou


def test_a_reviewer_who_registered_a_record_of_the_case_himself_is_ineligible(staff, notified_case):
    # 周婷 also holds the 执法人员 role and uploaded a record of this case herself, while she
    # handled it (evidence is registered only by a handler of the case).
    RoleAssignment.objects.create(officer=staff.zhou, role="officer")
    notified_case.handlers.add(staff.zhou)
    register_photo(notified_case, actor=staff.zhou, collector=staff.zhang)
    notified_case.handlers.remove(staff.zhou)  # taken off the case again afterwards
    with pytest.raises(ReviewRefused, match="未参与办理本案"):
        submit(staff, notified_case)


def test_a_reviewer_who_took_a_step_on_the_case_is_ineligible(staff, notified_case):
    from sanxiang.cases.services import party_add

    RoleAssignment.objects.create(officer=staff.zhou, role="officer")
    notified_case.handlers.add(staff.zhou)
    party_add(
        actor=staff.zhou, case_id=notified_case.pk, kind="person", name="证人家属",
        identifier="110105198001010016", address="测试市人民路 3 号",
    )  # fmt: skip
    notified_case.handlers.remove(staff.zhou)  # taken off the case again afterwards
    with pytest.raises(ReviewRefused, match="未参与办理本案"):
        submit(staff, notified_case)


def test_a_reviewer_who_approved_an_extension_of_the_case_is_ineligible(staff, notified_case):
    from sanxiang.cases.models import DecisionExtension

    DecisionExtension.objects.create(
        case=notified_case, days=30, reason="案情复杂", previous_due_on=NOW.date(),
        new_due_on=NOW.date(), approved_by=staff.zhou,
    )  # fmt: skip
    with pytest.raises(ReviewRefused, match="未参与办理本案"):
        submit(staff, notified_case)
