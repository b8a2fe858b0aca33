"""The 监督驾驶舱 shows the 预警 of its agencies and the complaints marked for the supervising
body, counted per agency, each count drilling down to its rows; nothing of another area."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from sanxiang.alerts.models import Alert, AlertRule
from sanxiang.complaints.models import Complaint
from sanxiang.supervision.watch import alert_counts, complaint_counts


def _login(client, login: str) -> None:
    client.force_login(get_user_model().objects.get(username=login))


def _alert(agency_id: int, subject: str, *, rule: str = "seizure_without_video", **fields):
    now = timezone.now()
    return Alert.objects.create(
        rule=AlertRule.objects.get(key=rule), agency_id=agency_id, subject=subject,
        text=f"预警 {subject}", raised_at=now, raised_on=now.date(), **fields,
    )  # fmt: skip


def _complaint(agency_id: int, code: str, *, subject: str, status: str = "registered", due=0):
    today, now = timezone.localdate(), timezone.now()
    return Complaint.objects.create(
        code=code, agency_id=agency_id, kind="complaint", subject=subject, text="投诉内容保密",
        for_supervisor=subject != "violation", status=status, registered_at=now,
        received_on=today, accept_due=today + timedelta(days=due), accept_basis="-",
    )  # fmt: skip


def _facts(oversight, agency):
    county = oversight.county_case.agency_id
    far = oversight.outside_case.agency_id
    _alert(agency.pk, "case:901")
    _alert(agency.pk, "case:902", status="acknowledged", escalated_at=timezone.now())
    _alert(county, "case:903")
    _alert(far, "case:904")  # another city: never counted
    _alert(agency.pk, "case:905", rule="decision_due_soon")  # for 承办人、负责人 only
    _complaint(agency.pk, "AAAAAAAAAAA2", subject="officer", due=-2)  # overdue
    _complaint(agency.pk, "AAAAAAAAAAA3", subject="agency", status="replied")
    _complaint(agency.pk, "AAAAAAAAAAA4", subject="violation")  # not for the body
    _complaint(far, "AAAAAAAAAAA5", subject="officer")


def test_the_dashboard_counts_alerts_and_complaints_for_the_body_per_agency(
    oversight, agency, staff
):
    _facts(oversight, agency)
    alerts = alert_counts(oversight.supervisor)
    assert alerts[agency.pk] == {"open": 1, "acknowledged": 1, "escalated": 1}
    assert alerts[oversight.county_case.agency_id]["open"] == 1
    assert oversight.outside_case.agency_id not in alerts
    complaints = complaint_counts(oversight.supervisor, today=timezone.localdate())
    assert complaints == {agency.pk: {"total": 2, "open": 1, "overdue": 1}}
    assert (
        alert_counts(staff.zhang) == {}
        and complaint_counts(staff.head, today=timezone.localdate()) == {}
    )


def test_each_count_is_a_link_to_the_rows_it_counts(client, oversight, agency, staff):
    _facts(oversight, agency)
    _login(client, "jiandu")
    home = client.get(reverse("supervision:home")).content.decode()
    assert "预警与投诉举报" in home
    listing = reverse("supervision:alerts") + f"?figure=escalated&amp;agency={agency.pk}"
    assert listing in home
    page = client.get(reverse("supervision:alerts"), {"figure": "open", "agency": agency.pk})
    text = page.content.decode()
    assert page.status_code == 200 and "预警 case:901" in text and "case:905" not in text
    page = client.get(reverse("supervision:complaints"), {"figure": "overdue"})
    text = page.content.decode()
    assert page.status_code == 200 and "执法人员的执法行为" in text
    assert "投诉内容保密" not in text and text.count('<td data-label="收到日期">') == 1
    assert client.get(reverse("supervision:alerts"), {"figure": "x"}).status_code == 400
    _login(client, "zhang")
    assert client.get(reverse("supervision:complaints")).status_code == 403
