"""干预记录: recorded by an officer, append-only with a ledger event in the supervising body's log,
read by the body's 监督人员 — never by the person recorded nor by the agency's own 负责人."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.urls import reverse

from sanxiang.ledger.models import LedgerEntry
from sanxiang.supervision.models import Interference
from sanxiang.supervision.selectors import interferences_for

FORM = {
    "intervener_name": "赵某",
    "intervener_position": "某局副局长",
    "occurred_at": "2026-06-09T15:30",
    "manner": "phone",
    "request": "打电话要求对当事人从轻处理，不要立案",
    "response": "当场拒绝，告知依法办理",
}


def _record(client, staff, case, **changes) -> Any:
    client.force_login(staff.zhang.user)
    data = {**FORM, "case_number": str(case.pk), **changes}
    return client.post(reverse("supervision:interference-new"), data)


def test_officer_records_an_interference_and_it_goes_to_the_supervising_body(
    client, staff, oversight, general_case
):
    response = _record(client, staff, general_case)
    assert response.status_code == 302
    record = Interference.objects.get()
    assert record.case == general_case and record.recorded_by == staff.zhang
    event = LedgerEntry.objects.get(action="supervision.interference.recorded")
    assert event.object_id == str(record.pk)
    # The leaf is in the body's log, not the case's agency's.
    assert event.log.key == f"agency:{oversight.city_body.agency_id}"
    assert record in interferences_for(oversight.supervisor)
    client.force_login(get_user_model().objects.get(username="jiandu"))
    assert "不要立案" in client.get(reverse("supervision:interferences")).content.decode()


def test_interference_is_never_visible_to_the_person_recorded(
    client, staff, oversight, general_case
):
    _record(client, staff, general_case, intervener=str(staff.li.pk))
    record = Interference.objects.get()
    assert record.intervener == staff.li
    assert record not in interferences_for(staff.li)
    client.force_login(staff.li.user)
    assert "不要立案" not in client.get(reverse("supervision:interferences")).content.decode()


def test_interference_is_never_visible_to_the_agency_heads(client, staff, oversight, general_case):
    _record(client, staff, general_case)
    assert not interferences_for(staff.head).exists()
    client.force_login(staff.head.user)
    assert "不要立案" not in client.get(reverse("supervision:interferences")).content.decode()
    assert not interferences_for(staff.wang).exists()  # a colleague neither


def test_interference_records_are_append_only(client, staff, oversight, general_case):
    _record(client, staff, general_case)
    with pytest.raises(DatabaseError), transaction.atomic():
        Interference.objects.update(request="改写")
    with pytest.raises(DatabaseError), transaction.atomic():
        Interference.objects.all().delete()


def test_interference_on_an_unknown_or_foreign_case_is_refused(client, staff, oversight):
    response = _record(client, staff, oversight.outside_case)
    assert response.status_code == 400
    assert "未找到本单位的该案件" in response.content.decode()
    assert not Interference.objects.exists()


def test_interference_in_the_future_is_refused(client, staff, oversight, general_case):
    response = _record(client, staff, general_case, occurred_at="2027-01-01T10:00")
    assert response.status_code == 400
    assert "干预时间不能晚于现在" in response.content.decode()
    assert not Interference.objects.exists()


def test_supervisor_may_not_record_an_interference(client, oversight, general_case):
    client.force_login(get_user_model().objects.get(username="jiandu"))
    data = {**FORM, "case_number": str(general_case.pk)}
    assert client.post(reverse("supervision:interference-new"), data).status_code == 403


def test_interference_with_an_evidence_number_that_is_not_his_to_see_is_refused(
    client, staff, oversight, general_case
):
    response = _record(client, staff, general_case, evidence_reference="no-such-record")
    assert response.status_code == 400
    assert "未找到该证据编号" in response.content.decode()
    assert not Interference.objects.exists()
