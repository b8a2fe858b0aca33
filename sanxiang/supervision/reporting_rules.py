"""When the 报送 of a year is due and where each agency stands (read by the pages, the 预警 and
the scorecard's items (43) and (44); writes are in ``reporting``).

For report year Y: the 统计年报 is published by the fixed day of Y+1 (``annual_publish``, 1月31日,
item (43)) and submitted within ``annual_submit`` working days counted from the day after it was
published (item (44)); the 指标体系自评 is submitted by ``scorecard_submit`` (a day of Y+1 that
the installation sets). An agency submits to every supervising body whose area names it
directly, except the body that is the agency itself. Timeliness is that of the first
submission to the body: a return and a resubmission do not change it.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from sanxiang.core.workdays import WorkdayCalendar
from sanxiang.disclosure.models import AnnualReport
from sanxiang.org.models import Agency, SupervisoryBody
from sanxiang.supervision.reporting_models import (
    ReportingDeadline,
    Submission,
    SubmissionKind,
    SubmissionStatus,
)

PUBLISH = "annual_publish"
SUBMIT_REPORT = "annual_submit"
SUBMIT_SCORECARD = "scorecard_submit"
KIND_DEADLINE = {
    SubmissionKind.ANNUAL_REPORT: SUBMIT_REPORT,
    SubmissionKind.SCORECARD: SUBMIT_SCORECARD,
}


class DeadlineMissing(LookupError):
    pass


def deadlines() -> dict[str, ReportingDeadline]:
    return {d.key: d for d in ReportingDeadline.objects.all()}


def _deadline(rows: dict[str, ReportingDeadline], key: str) -> ReportingDeadline:
    try:
        return rows[key]
    except KeyError:
        raise DeadlineMissing(key) from None


def fixed_due(rows: dict[str, ReportingDeadline], key: str, year: int) -> date:
    """The fixed day in the year after report year ``year`` (29 February: the month's last)."""
    row = _deadline(rows, key)
    if row.month is None or row.day is None:
        raise DeadlineMissing(key)
    last = calendar.monthrange(year + 1, row.month)[1]
    return date(year + 1, row.month, min(row.day, last))


def report_submit_due(
    rows: dict[str, ReportingDeadline], published_on: date, cal: WorkdayCalendar
) -> date:
    row = _deadline(rows, SUBMIT_REPORT)
    if row.workdays is None:
        raise DeadlineMissing(SUBMIT_REPORT)
    return cal.add_workdays_provisional(published_on, row.workdays).on


def resubmit_due(
    rows: dict[str, ReportingDeadline], returned_on: date, cal: WorkdayCalendar
) -> date:
    """A returned submission is submitted again within 报送's own working days (this system's
    rule: no source gives a period for it)."""
    return report_submit_due(rows, returned_on, cal)


def published_on(report: AnnualReport) -> date:
    return timezone.localdate(report.published_at)


def bodies_over(agency_ids: Iterable[int]) -> dict[int, list[SupervisoryBody]]:
    """The bodies each agency submits to: those whose area names it directly (not itself)."""
    through = SupervisoryBody.agencies.through.objects.filter(agency_id__in=list(agency_ids))
    pairs = list(through.values_list("agency_id", "supervisorybody_id"))
    bodies = SupervisoryBody.objects.in_bulk({body for _, body in pairs})
    found: dict[int, list[SupervisoryBody]] = {}
    for agency_id, body_id in sorted(pairs):
        body = bodies[body_id]
        if body.agency_id != agency_id:
            found.setdefault(agency_id, []).append(body)
    return found


def reporting_agency_ids() -> list[int]:
    """Every agency that has a body to submit to."""
    return sorted(bodies_over(Agency.objects.values_list("pk", flat=True)))


# What a row says, in the order of urgency (the pages colour the first three).
MISSING = "missing"  # the due date passed without a standing submission
UNPUBLISHED_LATE = "unpublished_late"  # the annual report itself is not published, past 1月31日
RETURNED = "returned"  # returned and not submitted again
DUE = "due"  # not submitted, still within the period
UNPUBLISHED = "unpublished"  # the annual report is not published yet (before 1月31日)
SUBMITTED = "submitted"
ACKNOWLEDGED = "acknowledged"

STATE_LABELS = {
    MISSING: "逾期未报送",
    UNPUBLISHED_LATE: "年报逾期未公开",
    RETURNED: "已退回，待重新报送",
    DUE: "待报送",
    UNPUBLISHED: "年报待公开",
    SUBMITTED: "已报送，待签收",
    ACKNOWLEDGED: "已签收",
}


@dataclass
class Standing:
    """One agency's 报送 of one kind for one year to one body."""

    agency: Agency
    body: SupervisoryBody
    year: int
    kind: str
    due_on: date | None  # None: the annual report is not published, so nothing is due yet
    report: AnnualReport | None
    submissions: list[Submission]  # newest first
    today: date
    publish_due_on: date  # when the annual report had to be published (item (43))
    # After a return: the new period for submitting again (as long as 报送's own, from the
    # day after the return), if later than ``due_on``.
    resubmit_due_on: date | None = None

    @property
    def effective_due_on(self) -> date | None:
        if self.due_on is None or self.resubmit_due_on is None:
            return self.due_on
        return max(self.due_on, self.resubmit_due_on)

    @property
    def current(self) -> Submission | None:
        """The submission that stands (not returned), if any."""
        return next((s for s in self.submissions if s.status != SubmissionStatus.RETURNED), None)

    @property
    def first(self) -> Submission | None:
        return self.submissions[-1] if self.submissions else None

    @property
    def on_time(self) -> bool | None:
        """Whether the submissions were within their periods (None: not submitted): the newest
        one's mark, which a resubmission after a return keeps only if the first was on time and
        it came within the period the return gave."""
        return None if not self.submissions else self.submissions[0].on_time

    @property
    def state(self) -> str:
        current = self.current
        if current is not None:
            return ACKNOWLEDGED if current.status == SubmissionStatus.ACKNOWLEDGED else SUBMITTED
        due = self.effective_due_on
        if due is None:
            return UNPUBLISHED_LATE if self.publish_overdue else UNPUBLISHED
        if due < self.today:
            return MISSING
        return RETURNED if self.submissions else DUE

    @property
    def publish_overdue(self) -> bool:
        return (
            self.report is None
            and self.kind == SubmissionKind.ANNUAL_REPORT
            and (self.publish_due_on < self.today)
        )

    @property
    def label(self) -> str:
        state = self.state
        if state in (SUBMITTED, ACKNOWLEDGED):
            when = "按时报送" if self.on_time else "逾期报送"
            return f"{when}，{'已签收' if state == ACKNOWLEDGED else '待签收'}"
        if state == MISSING and self.submissions:
            return "已退回，逾期未重新报送"
        return STATE_LABELS[state]

    @property
    def may_submit(self) -> bool:
        return self.current is None and (
            self.kind == SubmissionKind.SCORECARD or self.report is not None
        )

    @property
    def warning(self) -> bool:
        return self.state in (MISSING, UNPUBLISHED_LATE) or self.on_time is False


def standings(
    agency_ids: Iterable[int], year: int, today: date, cal: WorkdayCalendar
) -> list[Standing]:
    """Every (agency, body, kind) of ``year`` for these agencies, by agency name."""
    bodies = bodies_over(agency_ids)
    ids = sorted(bodies)
    if not ids:  # nobody to report to: no further queries (the 工作台 calls this on each view)
        return []
    agencies = Agency.objects.in_bulk(ids)
    rows = deadlines()
    reports = {r.agency_id: r for r in AnnualReport.objects.filter(agency_id__in=ids, year=year)}
    made: dict[tuple[int, int, str], list[Submission]] = {}
    for submission in (
        Submission.objects.filter(agency_id__in=ids, year=year)
        .select_related("submitted_by", "handled_by")
        .order_by("-submitted_at", "-pk")
    ):
        made.setdefault((submission.agency_id, submission.body_id, submission.kind), []).append(
            submission
        )
    publish_due = fixed_due(rows, PUBLISH, year)
    found = []
    for agency_id in sorted(ids, key=lambda pk: agencies[pk].name):
        report = reports.get(agency_id)
        for body in bodies[agency_id]:
            for kind in SubmissionKind.values:
                if kind == SubmissionKind.SCORECARD:
                    due: date | None = fixed_due(rows, SUBMIT_SCORECARD, year)
                elif report is not None:
                    due = report_submit_due(rows, published_on(report), cal)
                else:
                    due = None
                standing = Standing(
                    agency=agencies[agency_id], body=body, year=year, kind=kind, due_on=due,
                    report=report, submissions=made.get((agency_id, body.pk, kind), []),
                    today=today, publish_due_on=publish_due,
                )  # fmt: skip
                latest = standing.submissions[0] if standing.submissions else None
                if latest is not None and latest.status == SubmissionStatus.RETURNED:
                    returned_on = timezone.localdate(latest.handled_at or latest.submitted_at)
                    standing.resubmit_due_on = resubmit_due(rows, returned_on, cal)
                found.append(standing)
    return found


def latest_due_year(today: date) -> int:
    """The report year whose 报送 falls due this year: last year's."""
    return today.year - 1
