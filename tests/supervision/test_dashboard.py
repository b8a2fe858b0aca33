"""The 监督驾驶舱: figures per agency and unit counted in grouped queries, each drilling down to
the cases the same filter selects; the Excel export; only for a supervising body's 监督人员."""

from __future__ import annotations

import io
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from sanxiang.cases.models import Case, Remedy, RemedyStep
from sanxiang.core.selectors import get_calendar
from sanxiang.disclosure.models import Publication
from sanxiang.review.models import Determination, Review
from sanxiang.supervision.selectors import METRICS, dashboard_for, drilldown
from tests.cases.conftest import ready_case


def _login(client, login: str) -> None:
    client.force_login(get_user_model().objects.get(username=login))


def _overdue(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(step_due_on=timezone.localdate() - timedelta(days=2))


def _facts(staff, oversight, general_case) -> None:
    """Reviews, publications and remedies for the figures to count (rows written directly)."""
    today, now = timezone.localdate(), timezone.now()
    second = ready_case(staff, title="第二件")
    third = ready_case(staff, title="第三件")
    for case in (general_case, second, second):  # twice for one case: counted once
        Determination.objects.create(
            case=case, action="decide", required=True, rules=[], reason="-", actor=staff.zhou
        )
    Review.objects.create(
        case=general_case, agency=general_case.agency, status="passed", reviewer=staff.zhou,
        need_reason="-", due_on=today, submitted_at=now - timedelta(days=5),
        passed_at=now - timedelta(days=2),
    )  # fmt: skip

    def publication(case, **fields):
        base = {"kind": "penalty", "title": "-", "decided_on": today - timedelta(days=20),
                "due_basis": "-", "fields": {}}  # fmt: skip
        Publication.objects.create(case=case, agency=case.agency, **{**base, **fields})

    publication(general_case, due_on=today - timedelta(days=10), status="published",
                published_at=now - timedelta(days=5))  # fmt: skip
    publication(
        second, due_on=today - timedelta(days=1), withdrawal_due_on=today - timedelta(days=1)
    )
    publication(oversight.county_case, due_on=today, status="published", published_at=now)
    revoked = Remedy.objects.create(
        case=third, kind="reconsideration", filed_on=today, body="测试市人民政府",
        recorded_by=staff.zhang,
    )  # fmt: skip
    RemedyStep.objects.create(
        remedy=revoked, kind="outcome", decided_on=today, outcome="revoked", recorded_by=staff.zhang
    )
    Remedy.objects.create(
        case=third,
        kind="litigation",
        filed_on=today,
        body="测试市人民法院",
        recorded_by=staff.zhang,
    )


def test_dashboard_counts_per_agency_and_each_figure_drills_down_to_its_cases(
    oversight, staff, general_case
):
    _overdue(general_case)
    _facts(staff, oversight, general_case)
    today, calendar = timezone.localdate(), get_calendar()
    dashboard = dashboard_for(oversight.supervisor, today=today, calendar=calendar)
    names = [row.name for row in dashboard.rows]
    assert "测试县城市管理局" in names and "远方市城市管理局" not in names
    totals = dashboard.total.counts
    assert totals["total"] == 4
    assert totals["overdue"] == 1
    assert (totals["review_needed"], totals["review_done"], totals["review_missing"]) == (2, 1, 1)
    assert (totals["pub_on_time"], totals["pub_late"], totals["pub_overdue"]) == (1, 1, 1)
    assert (totals["withdrawn"], totals["withdrawal_overdue"]) == (0, 1)
    assert (totals["remedy_revoked"], totals["remedy_pending"]) == (1, 1)
    assert dashboard.total.turnaround_days == 3.0
    for row in dashboard.rows:
        for metric in METRICS:
            listed = drilldown(
                oversight.supervisor, today=today, calendar=calendar, metric=metric.key,
                agency_id=row.key,
            )  # fmt: skip
            assert listed.count() == row.counts[metric.key], (row.name, metric.key)
    overdue = drilldown(oversight.supervisor, today=today, calendar=calendar, metric="overdue")
    assert list(overdue) == [general_case]
    # And per unit: the same figures, the same lists.
    agency_id = general_case.agency_id
    by_unit = dashboard_for(
        oversight.supervisor, today=today, calendar=calendar, agency_id=agency_id
    )
    for row in by_unit.rows:
        for metric in METRICS:
            listed = drilldown(
                oversight.supervisor, today=today, calendar=calendar, metric=metric.key,
                agency_id=agency_id, unit_id=row.key,
            )  # fmt: skip
            assert listed.count() == row.counts[metric.key], (row.name, metric.key)


def test_dashboard_of_one_agency_counts_per_unit(oversight, general_case, agency):
    dashboard = dashboard_for(
        oversight.supervisor, today=timezone.localdate(), calendar=get_calendar(),
        agency_id=agency.pk,
    )  # fmt: skip
    units = {row.name: row.counts["total"] for row in dashboard.rows}
    assert units["执法一大队"] == 1
    assert dashboard.agency == agency


def test_dashboard_page_charts_and_drilldown_page(client, oversight, general_case):
    _overdue(general_case)
    _login(client, "jiandu")
    page = client.get(reverse("supervision:home"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "监督驾驶舱" in html and "<svg" in html and "测试县城市管理局" in html
    assert "远方市城市管理局" not in html
    listed = client.get(reverse("supervision:cases"), {"metric": "overdue"})
    assert listed.status_code == 200
    assert general_case.title in listed.content.decode()
    assert client.get(reverse("supervision:cases"), {"metric": "nonsense"}).status_code == 400


def test_dashboard_of_an_agency_outside_the_body_is_refused(client, oversight):
    _login(client, "jiandu")
    outside = oversight.outside_case.agency_id
    assert client.get(reverse("supervision:home"), {"agency": outside}).status_code == 403
    listed = client.get(reverse("supervision:cases"), {"metric": "total", "agency": outside})
    assert oversight.outside_case.title not in listed.content.decode()


def test_excel_export_has_a_row_per_agency(client, oversight, general_case):
    _login(client, "jiandu")
    response = client.get(reverse("supervision:export"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = [row[0] for row in book["监督驾驶舱"].iter_rows(values_only=True)]
    assert "测试市城市管理综合行政执法局" in rows and "合计" in rows
    assert "按程序和状态" in book.sheetnames


def test_dashboard_is_only_for_a_supervising_body(client, staff, oversight):
    client.force_login(staff.head.user)
    assert client.get(reverse("supervision:home")).status_code == 302
    assert client.get(reverse("supervision:export")).status_code == 403
    assert client.get(reverse("supervision:cases"), {"metric": "total"}).status_code == 403
