"""What the 监督驾驶舱 shows besides the case figures: the 预警 of its agencies that the body's
监督人员 may see (``alerts.selectors.alerts_for``: those addressed to 监督人员, and every
escalated one), and the 投诉举报 marked ``for_supervisor`` (about an officer's conduct or the
agency itself). Counted per agency; each count drills down to the rows the same filter selects.

A supervisor sees a complaint's registration (kind, subject, dates, status, due dates), not its
text or the complainant: those stay with the agency's 负责人 (complaints/access.py).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet

from sanxiang.alerts.models import Alert, AlertStatus
from sanxiang.alerts.selectors import alerts_for
from sanxiang.complaints.models import AWAITING_DECISION, CLOSED, IN_HAND, Complaint
from sanxiang.org.models import Officer
from sanxiang.org.selectors import supervised_agency_ids, supervisory_body_of


def _scope(officer: Officer) -> list[int]:
    if supervisory_body_of(officer) is None:
        return []
    return sorted(supervised_agency_ids(officer))


# --- 预警 ----------------------------------------------------------------------------------------

ALERT_FIGURES = {
    "open": ("待处理", Q(status=AlertStatus.OPEN)),
    "acknowledged": ("已确认未消除", Q(status=AlertStatus.ACKNOWLEDGED)),
    "escalated": ("已升级", ~Q(status=AlertStatus.RESOLVED) & Q(escalated_at__isnull=False)),
}


def supervised_alerts(officer: Officer) -> QuerySet[Alert]:
    """The 预警 of the agencies under ``officer``'s body that he may see (none for others)."""
    return alerts_for(officer).filter(agency_id__in=_scope(officer))


def alert_counts(officer: Officer, *, agency_id: int | None = None) -> dict[int, dict[str, int]]:
    """Per agency (or for one): each of ``ALERT_FIGURES`` (none counts a resolved alert)."""
    alerts = supervised_alerts(officer).exclude(status=AlertStatus.RESOLVED)
    if agency_id is not None:
        alerts = alerts.filter(agency_id=agency_id)
    rows = (
        alerts.order_by()
        .values("agency_id")
        .annotate(**{key: Count("pk", filter=rule) for key, (_, rule) in ALERT_FIGURES.items()})
    )
    return {row["agency_id"]: {k: row[k] for k in ALERT_FIGURES} for row in rows}


def alert_drilldown(officer: Officer, *, figure: str, agency_id: int | None) -> QuerySet[Alert]:
    alerts = supervised_alerts(officer).filter(ALERT_FIGURES[figure][1])
    if agency_id is not None:
        alerts = alerts.filter(agency_id=agency_id)
    return alerts.select_related("rule", "agency", "case").order_by("raised_at", "pk")


# --- 投诉举报 ------------------------------------------------------------------------------------


def complaint_figures(today: date) -> dict[str, tuple[str, Q]]:
    return {
        "total": ("报送监督机关", Q()),
        "open": ("未办结", ~Q(status__in=CLOSED)),
        "overdue": (
            "已超期",
            Q(status__in=AWAITING_DECISION, accept_due__lt=today)
            | Q(status__in=IN_HAND, reply_due__lt=today),
        ),
    }


def supervised_complaints(officer: Officer) -> QuerySet[Complaint]:
    """The complaints marked for the supervising body, of the agencies under ``officer``'s body."""
    return Complaint.objects.filter(agency_id__in=_scope(officer), for_supervisor=True)


def complaint_counts(officer: Officer, *, today: date) -> dict[int, dict[str, int]]:
    figures = complaint_figures(today)
    rows = (
        supervised_complaints(officer)
        .order_by()
        .values("agency_id")
        .annotate(**{key: Count("pk", filter=rule) for key, (_, rule) in figures.items()})
    )
    return {row["agency_id"]: {k: row[k] for k in figures} for row in rows}


def complaint_drilldown(
    officer: Officer, *, figure: str, agency_id: int | None, today: date
) -> QuerySet[Complaint]:
    complaints = supervised_complaints(officer).filter(complaint_figures(today)[figure][1])
    if agency_id is not None:
        complaints = complaints.filter(agency_id=agency_id)
    return complaints.select_related("agency").order_by("received_on", "pk")
