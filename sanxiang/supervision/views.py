"""The supervision pages under /office/supervision/ (thin: selectors read, services write)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from sanxiang.cases.models import Case
from sanxiang.core.downloads import attachment
from sanxiang.core.identifiers import case_number_normalise
from sanxiang.core.params import BadParameter, int_param, is_id, page_param
from sanxiang.core.selectors import get_calendar
from sanxiang.disclosure.charts import bar_chart_svg
from sanxiang.errors import DomainError
from sanxiang.org.selectors import officer_for_request, supervisory_body_of
from sanxiang.supervision.exporting import dashboard_xlsx
from sanxiang.supervision.forms import InterferenceForm
from sanxiang.supervision.reporting import reporting_for, reporting_summary
from sanxiang.supervision.reporting_rules import latest_due_year
from sanxiang.supervision.scorecard import may_read_scorecard
from sanxiang.supervision.selectors import (
    BY_KEY,
    METRICS,
    Dashboard,
    dashboard_for,
    deviation_for,
    drilldown,
    interferences_for,
    may_read_dashboard,
)
from sanxiang.supervision.services import InterferenceInput, interference_record
from sanxiang.supervision.watch import (
    ALERT_FIGURES,
    alert_counts,
    alert_drilldown,
    complaint_counts,
    complaint_drilldown,
    complaint_figures,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The dashboard table's columns (all figures are under 合计 and in the export), with short heads.
SHOWN = {
    "open": "在办",
    "overdue": "已超期",
    "due_soon": "即将到期",
    "review_missing": "应审未审",
    "pub_overdue": "超期未公示",
    "opinion_open": "意见未结",
    "opinion_overdue": "意见逾期",
}


def _dashboard(request: HttpRequest) -> tuple[Any, Dashboard]:
    officer = officer_for_request(request)
    if not may_read_dashboard(officer):
        raise PermissionDenied("监督驾驶舱仅对行政执法监督机构的监督人员开放。")
    agency_id = int_param(request.GET, "agency", label="执法主体")
    dashboard = dashboard_for(
        officer, today=timezone.localdate(), calendar=get_calendar(), agency_id=agency_id
    )
    if agency_id is not None and dashboard.agency is None:
        raise PermissionDenied("该执法主体不在您所在监督机构的监督范围内。")
    return officer, dashboard


def _charts(dashboard: Dashboard) -> list[tuple[str, Any]]:
    rows = dashboard.rows
    total = dashboard.total.counts
    timeliness = [(BY_KEY[k].label, total[k]) for k in ("pub_on_time", "pub_late", "pub_overdue")]
    remedies = [(m.label, total[m.key]) for m in METRICS if m.group == "复议、诉讼"]
    charts = [
        ("在办案件", [(r.name, r.counts["open"]) for r in rows]),
        ("已超期案件", [(r.name, r.counts["overdue"]) for r in rows]),
        ("公示及时性", timeliness),
        ("复议、诉讼结果", remedies),
    ]
    return [(title, bar_chart_svg(title, bars)) for title, bars in charts]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """执法监督: the 监督驾驶舱 for a supervising body's 监督人员; for everybody else the
    干预记录 he may write and read."""
    officer = officer_for_request(request)
    if not may_read_dashboard(officer):
        return redirect("supervision:interferences")
    officer, dashboard = _dashboard(request)
    base = {"agency": dashboard.agency.pk} if dashboard.agency else {}
    listing = reverse("supervision:cases")

    def link(metric: str, **where: int | str) -> str:
        return f"{listing}?{urlencode({'metric': metric, **base, **where})}"

    where = "unit" if dashboard.agency else "agency"
    table = [
        {
            "name": row.name,
            "units": None if dashboard.agency else f"?{urlencode({'agency': row.key})}",
            "cells": [(row.counts[k], link(k, **{where: row.key})) for k in SHOWN],
            "coverage": row.coverage,
            "turnaround": row.turnaround_days,
        }
        for row in dashboard.rows
    ]
    total = dashboard.total
    groups: dict[str, list[tuple[str, int, str]]] = {}
    for metric in METRICS:
        groups.setdefault(metric.group, []).append(
            (metric.label, total.counts[metric.key], link(metric.key))
        )
    states = [
        (label, state_label, count, link("total", procedure=code, state=state))
        for code, state, label, state_label, count in dashboard.by_procedure
    ]
    reporting_year = latest_due_year(dashboard.today)
    try:
        reporting = [
            s
            for s in reporting_for(officer, year=reporting_year, today=dashboard.today)
            if dashboard.agency is None or s.agency.pk == dashboard.agency.pk
        ]
    except DomainError:  # a 报送期限 deleted from the database: the 报送 page says which
        reporting = []
    return render(
        request,
        "supervision/dashboard.html",
        {
            "reporting_year": reporting_year,
            "reporting_summary": reporting_summary(reporting),
            "watch": _watch(officer, dashboard),
            "alert_heads": [label for label, _ in ALERT_FIGURES.values()],
            "complaint_heads": [label for label, _ in complaint_figures(dashboard.today).values()],
            "body": supervisory_body_of(officer),
            "dashboard": dashboard,
            "columns": [
                {"label": short, "title": f"{BY_KEY[k].group}：{BY_KEY[k].label}"}
                for k, short in SHOWN.items()
            ],
            "table": table,
            "groups": groups,
            "states": states,
            "charts": _charts(dashboard),
            "export_query": urlencode(base),
            "by_unit": dashboard.agency is not None,
            "deviation": deviation_for(
                officer,
                today=dashboard.today,
                agency_id=dashboard.agency.pk if dashboard.agency else None,
            ),
        },
    )


def _watch(officer: Any, dashboard: Dashboard) -> list[dict[str, Any]]:
    """Per agency: its 预警 and the complaints marked for the body, each count with its link."""
    if dashboard.agency is not None:
        agencies = [(dashboard.agency.pk, dashboard.agency.name)]
    else:
        agencies = [(row.key, row.name) for row in dashboard.rows]
    alerts = alert_counts(
        officer, agency_id=dashboard.agency.pk if dashboard.agency is not None else None
    )
    complaints = complaint_counts(officer, today=dashboard.today)
    alert_list, complaint_list = reverse("supervision:alerts"), reverse("supervision:complaints")
    rows = []
    for agency_id, name in agencies:
        found_alerts, found_complaints = alerts.get(agency_id, {}), complaints.get(agency_id, {})
        rows.append(
            {
                "name": name,
                "alerts": [
                    (found_alerts.get(k, 0),
                     f"{alert_list}?{urlencode({'figure': k, 'agency': str(agency_id)})}")
                    for k in ALERT_FIGURES
                ],
                "complaints": [
                    (found_complaints.get(k, 0),
                     f"{complaint_list}?{urlencode({'figure': k, 'agency': str(agency_id)})}")
                    for k in complaint_figures(dashboard.today)
                ],
            }
        )  # fmt: skip
    return rows


def _figure(request: HttpRequest, choices: Any) -> str:
    figure = request.GET.get("figure", "open")
    if figure not in choices:
        raise BadParameter("没有这个统计项。", log_message=f"unknown figure {figure[:40]!r}")
    return figure


@login_required
def alerts(request: HttpRequest) -> HttpResponse:
    """The 预警 behind one count of the dashboard."""
    officer = officer_for_request(request)
    if not may_read_dashboard(officer):
        raise PermissionDenied("监督驾驶舱仅对行政执法监督机构的监督人员开放。")
    figure = _figure(request, ALERT_FIGURES)
    agency_id = int_param(request.GET, "agency", label="执法主体")
    selected = alert_drilldown(officer, figure=figure, agency_id=agency_id)
    page = Paginator(selected, 50).get_page(page_param(request.GET))
    return render(
        request,
        "supervision/alerts.html",
        {"label": ALERT_FIGURES[figure][0], "page": page, "query": request.GET.copy()},
    )


@login_required
def complaints(request: HttpRequest) -> HttpResponse:
    """The complaints marked for the supervising body behind one count of the dashboard."""
    officer = officer_for_request(request)
    if not may_read_dashboard(officer):
        raise PermissionDenied("监督驾驶舱仅对行政执法监督机构的监督人员开放。")
    today = timezone.localdate()
    figures = complaint_figures(today)
    figure = _figure(request, figures)
    agency_id = int_param(request.GET, "agency", label="执法主体")
    selected = complaint_drilldown(officer, figure=figure, agency_id=agency_id, today=today)
    page = Paginator(selected, 50).get_page(page_param(request.GET))
    return render(
        request,
        "supervision/complaints.html",
        {"label": figures[figure][0], "page": page, "query": request.GET.copy()},
    )


@login_required
def export(request: HttpRequest) -> HttpResponse:
    _, dashboard = _dashboard(request)
    name = dashboard.agency.name if dashboard.agency else "监督范围"
    return attachment(
        dashboard_xlsx(dashboard),
        filename=f"监督驾驶舱-{name}-{dashboard.today:%Y%m%d}.xlsx",
        content_type=XLSX,
    )


@login_required
def cases(request: HttpRequest) -> HttpResponse:
    """The cases behind one figure of the dashboard."""
    officer = officer_for_request(request)
    if not may_read_dashboard(officer):
        raise PermissionDenied("监督驾驶舱仅对行政执法监督机构的监督人员开放。")
    metric = request.GET.get("metric", "total")
    if metric not in BY_KEY:
        raise BadParameter("没有这个统计项。", log_message=f"unknown metric {metric[:40]!r}")
    agency_id = int_param(request.GET, "agency", label="执法主体")
    unit_id = int_param(request.GET, "unit", label="内设机构")
    selected = drilldown(
        officer,
        today=timezone.localdate(),
        calendar=get_calendar(),
        metric=metric,
        agency_id=agency_id,
        unit_id=unit_id,
        procedure=request.GET.get("procedure", "")[:32],
        state=request.GET.get("state", "")[:32],
    )
    page = Paginator(selected, 50).get_page(page_param(request.GET))
    return render(
        request,
        "supervision/cases.html",
        {"metric": BY_KEY[metric], "page": page, "query": request.GET.copy()},
    )


def _case_for(officer: Any, typed: str) -> int | None:
    typed = typed.strip()
    agency = Case.objects.filter(agency_id=officer.unit.agency_id)
    if is_id(typed):
        found = agency.filter(pk=int(typed)).values_list("pk", flat=True).first()
        if found is not None:
            return int(found)
    found = agency.filter(number=case_number_normalise(typed)).values_list("pk", flat=True).first()
    return None if found is None else int(found)


@login_required
def interference_new(request: HttpRequest) -> HttpResponse:
    """干预记录: an officer records an attempt to interfere in a case of his agency."""
    officer = officer_for_request(request)
    if supervisory_body_of(officer) is not None and request.method == "POST":
        raise PermissionDenied("监督人员只能查阅干预记录。")
    form = InterferenceForm(request.POST or None, agency_id=officer.unit.agency_id)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            case_id = _case_for(officer, data["case_number"])
            if case_id is None:
                form.add_error("case_number", "未找到本单位的该案件，请核对案件编号。")
            else:
                occurred: datetime = data["occurred_at"]
                try:
                    interference_record(
                        actor=officer,
                        data=InterferenceInput(
                            case_id=case_id,
                            intervener_name=data["intervener_name"],
                            intervener_position=data["intervener_position"],
                            intervener_id=data["intervener"].pk if data["intervener"] else None,
                            occurred_at=occurred,
                            manner=data["manner"],
                            request=data["request"],
                            response=data["response"],
                            evidence_reference=data["evidence_reference"],
                        ),
                    )
                except DomainError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(
                        request,
                        "干预记录已登记，已报送监督机构。本单位负责人和被记录人看不到该记录。",
                    )
                    return redirect("supervision:interferences")
        status = 400
    return render(request, "supervision/interference_new.html", {"form": form}, status=status)


@login_required
def interferences(request: HttpRequest) -> HttpResponse:
    """The 干预记录 the officer may read (his body's area as a 监督人员; his own otherwise)."""
    officer = officer_for_request(request)
    records = interferences_for(officer)
    page = Paginator(records, 50).get_page(page_param(request.GET))
    return render(
        request,
        "supervision/interferences.html",
        {
            "page": page,
            "is_supervisor": supervisory_body_of(officer) is not None,
            "may_record": supervisory_body_of(officer) is None and officer.is_active,
            "own_scorecard": supervisory_body_of(officer) is None
            and may_read_scorecard(officer, officer.unit.agency_id),
        },
    )
