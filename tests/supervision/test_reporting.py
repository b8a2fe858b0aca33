"""报送: an agency's 负责人 submits its published 统计年报 and its 指标体系自评 to the supervising
body within the periods kept as data (003 (43)(44)); recorded, on time or late by the working-day
calendar; the body acknowledges or returns; overdue 报送 warns; items (43)/(44) are computed.

Every test travels to fixed days of 2026 (the report year is 2025), so nothing depends on the
day the suite runs."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from sanxiang.alerts.models import Alert, AlertStatus
from sanxiang.alerts.selectors import alerts_for
from sanxiang.alerts.services import alerts_scan
from sanxiang.core.selectors import get_calendar
from sanxiang.disclosure.annual import annual_figures
from sanxiang.disclosure.models import AnnualReport
from sanxiang.disclosure.services import annual_snapshot, report_publish
from sanxiang.ledger.models import LedgerEntry
from sanxiang.org.models import Unit
from sanxiang.supervision.reporting import (
    ReportingForbidden,
    ReportingRefused,
    submission_make,
    submission_return,
)
from sanxiang.supervision.reporting_models import ReportingDeadline, Submission
from sanxiang.supervision.reporting_rules import standings
from sanxiang.supervision.scorecard import scorecard_of
from tests.conftest import make_officer

SHANGHAI = ZoneInfo("Asia/Shanghai")
PUBLISHED = date(2026, 1, 20)  # a Tuesday; 10 working days later is 3 February


def at(y, m, d, hh=10):
    return time_machine.travel(datetime(y, m, d, hh, tzinfo=SHANGHAI), tick=False)


def publish(head, agency, year=2025) -> AnnualReport:
    seen = annual_snapshot(annual_figures(agency=agency, year=year))[1]
    return report_publish(actor=head, agency=agency, year=year, seen_sha256=seen)


def submit(client, head, body, report=None, kind="annual_report", year=2025):
    client.force_login(head.user)
    data = {"year": str(year), "kind": kind, "body": str(body.pk)}
    if report is not None:
        data["report"] = str(report.pk)
    return client.post(reverse("supervision:reporting-submit"), data)


@pytest.fixture
def published(oversight, staff, agency):
    with at(*PUBLISHED.timetuple()[:3]):
        return publish(staff.head, agency)


def test_the_periods_are_data_with_their_sources(db):
    rows = {d.key: d for d in ReportingDeadline.objects.all()}
    assert (rows["annual_publish"].month, rows["annual_publish"].day) == (1, 31)
    assert "（43）" in rows["annual_publish"].basis
    assert rows["annual_submit"].workdays == 10 and "（44）" in rows["annual_submit"].basis
    assert "本系统设定" in rows["scorecard_submit"].basis


def test_an_on_time_submission_is_recorded_with_the_report_hash_and_a_ledger_event(
    client, oversight, staff, agency, published
):
    due = get_calendar().add_workdays(PUBLISHED, 10)
    with at(2026, 1, 27):
        client.force_login(staff.head.user)
        page = client.get(reverse("supervision:reporting"), {"year": "2025"}).content.decode()
        desk = client.get(reverse("office:home")).content.decode()
        assert 'id="own-table"' in page and f"{due:%Y-%m-%d}" in page and "待报送" in page
        assert 'id="desk-reporting"' in desk and "2025年度统计年报报送测试市司法局" in desk
        response = submit(client, staff.head, oversight.city_body, published)
    assert response.status_code == 302
    made = Submission.objects.get()
    assert (made.agency, made.body, made.year, made.kind) == (
        agency, oversight.city_body, 2025, "annual_report"
    )  # fmt: skip
    assert made.on_time and made.due_on == due and made.submitted_by == staff.head
    assert made.sha256 == published.sha256
    assert json.loads(made.snapshot)["report"] == published.pk
    event = LedgerEntry.objects.get(action="supervision.submission.submitted")
    assert event.object_id == str(made.pk) and event.log.key == f"agency:{agency.pk}"
    with at(2026, 1, 28):
        again = submit(client, staff.head, oversight.city_body, published)
        assert again.status_code == 400
        assert "无需重复报送" in again.content.decode()
        assert Submission.objects.count() == 1
        page = client.get(reverse("supervision:reporting"), {"year": "2025"})
    assert "按时报送，待签收" in page.content.decode()


def test_a_late_submission_is_marked_late_and_its_warning_raised_then_resolved(
    client, oversight, staff, agency, published
):
    with at(2026, 3, 2):
        alerts_scan(today=date(2026, 3, 2))
    alert = Alert.objects.get(rule__key="report_submission_overdue", agency=agency)
    assert "应于 2026年02月03日 前报送测试市司法局" in alert.text
    assert alert in alerts_for(staff.head) and alert in alerts_for(oversight.supervisor)
    assert alert not in alerts_for(staff.zhang)  # a handler is not told
    with at(2026, 3, 10):
        assert submit(client, staff.head, oversight.city_body, published).status_code == 302
    made = Submission.objects.get()
    assert not made.on_time and made.submitted_on == date(2026, 3, 10)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED  # at once, not at the next scan
    with at(2026, 3, 10):
        card = scorecard_of(agency, year=2026, today=date(2026, 3, 10))
    items = {i.indicator.number: i for i in card.items}
    assert items[43].score == Decimal("2.0")  # published on 20 January: on time
    assert items[44].score == Decimal("0.0") and "按时报送 0 个" in str(items[44].computed)


def test_missing_submissions_and_an_unpublished_report_warn_the_agency_and_the_body(
    client, oversight, staff, agency, published
):
    county_agency = oversight.county_case.agency
    with at(2026, 1, 30):
        alerts_scan(today=date(2026, 1, 30))
    assert not Alert.objects.exists()  # nothing is due yet
    with at(2026, 6, 10):
        alerts_scan(today=date(2026, 6, 10))
        client.force_login(oversight.supervisor.user)
        page = client.get(reverse("supervision:reporting"), {"year": "2025"}).content.decode()
        dashboard = client.get(reverse("supervision:home")).content.decode()
    unpublished = Alert.objects.get(rule__key="annual_report_overdue")
    assert unpublished.agency == county_agency
    assert unpublished in alerts_for(oversight.county_supervisor)
    assert unpublished in alerts_for(oversight.supervisor)  # the city body over the county
    subjects = set(
        Alert.objects.filter(rule__key="report_submission_overdue").values_list(
            "subject", flat=True
        )
    )
    # Our agency: its report and its self-assessment (due 31 March) both missing; the county
    # agency: its self-assessment (its report, unpublished, has no 报送 period yet).
    assert subjects == {
        f"submission:{agency.pk}:2025:annual_report:{oversight.city_body.pk}",
        f"submission:{agency.pk}:2025:scorecard:{oversight.city_body.pk}",
        f"submission:{county_agency.pk}:2025:scorecard:{oversight.county_body.pk}",
    }
    assert "逾期未报送" in page and "年报逾期未公开" in page
    assert 'id="reporting-summary"' in dashboard and agency.name in dashboard
    card = scorecard_of(county_agency, year=2026, today=date(2026, 6, 10))
    items = {i.indicator.number: i for i in card.items}
    assert items[43].score == Decimal("0.0") and "至今未公开" in str(items[43].computed)


def test_the_self_assessment_freezes_the_scorecard(client, oversight, staff, agency):
    with at(2026, 3, 5):
        response = submit(client, staff.head, oversight.city_body, kind="scorecard")
    assert response.status_code == 302
    made = Submission.objects.get(kind="scorecard")
    frozen = json.loads(made.snapshot)
    assert made.on_time and made.due_on == date(2026, 3, 31)
    assert [i["number"] for i in frozen["items"]] == list(range(1, 171))
    with at(2026, 3, 5):
        client.force_login(oversight.supervisor.user)
        detail = client.get(reverse("supervision:submission", args=[made.pk]))
    assert detail.status_code == 200 and "报送时的指标得分" in detail.content.decode()


def test_refusals_change_nothing(client, oversight, staff, agency, published, django_user_model):
    county_agency = oversight.county_case.agency
    user = django_user_model.objects.create_user("xianhead", password="correct horse battery")
    county_head = make_officer(
        unit=Unit.objects.create(agency=county_agency, name="办公室"), name="县负责人",
        number="99010013099", roles=("head", "officer"), user=user,
    )  # fmt: skip
    with at(2026, 1, 27):
        # The county agency's report is not published yet.
        response = submit(client, county_head, oversight.county_body)
        assert response.status_code == 400 and "尚未公开" in response.content.decode()
        # Another agency's report.
        assert submit(client, county_head, oversight.county_body, published).status_code == 403
        # A body that is not over the agency.
        assert submit(client, staff.head, oversight.county_body, published).status_code == 403
        # Not a 负责人.
        assert submit(client, staff.zhang, oversight.city_body, published).status_code == 403
        supervisor = oversight.supervisor
        assert submit(client, supervisor, oversight.city_body, published).status_code == 403
        # A year not over, a kind that does not exist.
        city = oversight.city_body
        assert submit(client, staff.head, city, published, year=2026).status_code == 400
        assert (
            submit(client, staff.head, oversight.city_body, published, kind="x").status_code == 400
        )
    assert not Submission.objects.exists()
    with at(2026, 1, 27), pytest.raises(ReportingForbidden):
        submission_make(
            actor=staff.head, year=2025, kind="annual_report", body_id=oversight.county_body.pk,
            report_id=published.pk,
        )  # fmt: skip


def test_the_body_returns_with_a_reason_and_the_agency_submits_again(
    client, oversight, staff, agency, published
):
    with at(2026, 1, 27):
        submit(client, staff.head, oversight.city_body, published)
    made = Submission.objects.get()
    handle = reverse("supervision:submission-handle", args=[made.pk])
    with at(2026, 1, 28):
        client.force_login(oversight.county_supervisor.user)  # not the body addressed
        assert client.post(handle, {"decision": "acknowledge"}).status_code == 404
        client.force_login(staff.head.user)  # the agency cannot acknowledge its own
        assert client.post(handle, {"decision": "acknowledge"}).status_code == 403
        client.force_login(oversight.supervisor.user)
        assert client.post(handle, {"decision": "return", "note": " "}).status_code == 400
        assert client.post(handle, {"decision": "return", "note": "缺少说明"}).status_code == 302
        with pytest.raises(ReportingRefused, match="不能再签收或者退回"):
            submission_return(actor=oversight.supervisor, submission_id=made.pk, reason="再退")
    made.refresh_from_db()
    assert made.status == "returned" and made.note == "缺少说明"
    assert made.handled_by == oversight.supervisor
    # Submitted again after the original due date: still on time (the first submission was),
    # and within the new period the return gives.
    with at(2026, 2, 9):
        assert submit(client, staff.head, oversight.city_body, published).status_code == 302
    again = Submission.objects.exclude(pk=made.pk).get()
    assert again.on_time and again.status == "submitted"
    with at(2026, 2, 9):
        client.force_login(oversight.supervisor.user)
        done = client.post(
            reverse("supervision:submission-handle", args=[again.pk]), {"decision": "acknowledge"}
        )
    assert done.status_code == 302
    assert Submission.objects.get(pk=again.pk).status == "acknowledged"
    assert [e.action for e in LedgerEntry.objects.filter(action__startswith="supervision.sub")] == [
        "supervision.submission.submitted",
        "supervision.submission.returned",
        "supervision.submission.submitted",
        "supervision.submission.acknowledged",
    ]


def test_someone_outside_reads_nothing(client, oversight, staff, agency, published):
    with at(2026, 1, 27):
        submit(client, staff.head, oversight.city_body, published)
        made = Submission.objects.get()
        client.force_login(oversight.county_supervisor.user)  # a body below: not over the agency
        assert client.get(reverse("supervision:submission", args=[made.pk])).status_code == 404
        client.force_login(staff.zhang.user)
        assert client.get(reverse("supervision:reporting")).status_code == 403
        client.force_login(oversight.supervisor.user)
        assert client.get(reverse("supervision:reporting"), {"year": "abc"}).status_code == 400


def test_an_administrator_sets_the_self_assessment_day(oversight, staff, agency):
    row = ReportingDeadline.objects.get(key="scorecard_submit")
    row.workdays = 5  # both a day and working days
    with pytest.raises(ValidationError):
        row.full_clean()
    row.workdays, row.month, row.day = None, 2, 30
    with pytest.raises(ValidationError, match="该月没有这一日"):
        row.full_clean()
    row.day = 28
    row.full_clean()
    row.save()
    rows = standings([agency.pk], 2025, date(2026, 3, 2), get_calendar())
    (due,) = [s for s in rows if s.kind == "scorecard"]
    assert due.due_on == date(2026, 2, 28) and due.state == "missing"
    assert due.label == "逾期未报送"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "month", "day", "workdays", "message"),
    [
        ("annual_publish", None, None, 10, "固定日期"),
        ("scorecard_submit", None, None, 15, "固定日期"),
        ("annual_submit", 2, 28, None, "工作日数"),
    ],
)
def test_an_edit_may_change_a_period_but_not_its_kind(key, month, day, workdays, message):
    """管理后台 refuses a 报送期限 of the wrong shape (the code reads 统计年报's 报送 in working
    days and the others as a day of the next year), so no page or scan meets one."""
    row = ReportingDeadline.objects.get(key=key)
    row.month, row.day, row.workdays = month, day, workdays
    with pytest.raises(ValidationError, match=message):
        row.full_clean()
