"""报送 (issue #16): the agency's 负责人 submits the published 行政执法统计年报 and the 指标体系自评
of a year to a supervising body over the agency; the body's 监督人员 acknowledge or return it.
Each write is one transaction with its ledger event in the agency's log, and brings the
reporting 预警 in line at once (an overdue warning is resolved by the submission).

Who reads: the agency's own 负责人 (his agency), and the 监督人员 of every body whose area
includes the agency (``supervised_agency_ids``). Who acknowledges or returns: the 监督人员 of the
body the submission is addressed to.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from sanxiang.alerts.services import alerts_evaluate
from sanxiang.core.selectors import get_calendar, lazy_calendar
from sanxiang.disclosure.models import AnnualReport
from sanxiang.errors import DomainError
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.services import sha256_hex
from sanxiang.org.models import Agency, Officer, Role
from sanxiang.org.selectors import supervised_agency_ids, supervisory_body_of
from sanxiang.supervision.events import SupervisionEvent, submission_recorded
from sanxiang.supervision.reporting_models import Submission, SubmissionKind, SubmissionStatus
from sanxiang.supervision.reporting_rules import (
    ACKNOWLEDGED,
    DUE,
    MISSING,
    RETURNED,
    SUBMITTED,
    UNPUBLISHED,
    UNPUBLISHED_LATE,
    DeadlineMissing,
    Standing,
    bodies_over,
    latest_due_year,
    standings,
)
from sanxiang.supervision.scorecard import scorecard_of

log = logging.getLogger(__name__)

REPORTING_RULES = ("annual_report_overdue", "report_submission_overdue")
MAX_NOTE = 500
FIRST_YEAR = 2019  # as the annual report's pages: 国办发〔2018〕118号 took effect


class ReportingRefused(DomainError):
    """Bad input, or a state that does not allow the step (400)."""


class ReportingForbidden(ReportingRefused):
    """Not this officer's to do (403)."""


class ReportingNotFound(ReportingRefused):
    """No such submission, or none the officer may read (404)."""


def is_agency_head(officer: Officer) -> bool:
    return (
        officer.is_active and officer.has_role(Role.HEAD) and supervisory_body_of(officer) is None
    )


def may_read_reporting(officer: Officer) -> bool:
    return is_agency_head(officer) or bool(supervised_agency_ids(officer))


def reporting_for(officer: Officer, *, year: int, today: date) -> list[Standing]:
    """What ``officer`` may see of ``year``'s 报送: his agency's (负责人) or every agency's under
    his body (监督人员)."""
    ids: set[int] = set(supervised_agency_ids(officer))
    if is_agency_head(officer):
        ids.add(officer.unit.agency_id)
    if not ids:
        return []
    try:
        return standings(ids, year, today, get_calendar())
    except DeadlineMissing as exc:
        raise ReportingRefused(
            f"报送期限“{exc}”未设置，请系统管理员在管理后台“报送期限”中补充。",
            log_message=f"reporting deadline {exc} missing",
        ) from exc


def reporting_summary(rows: list[Standing]) -> list[dict[str, Any]]:
    """Per agency: how many of its 报送 stand on time, late, missing (the 驾驶舱's table)."""
    by_agency: dict[int, dict[str, Any]] = {}
    for s in rows:
        row = by_agency.setdefault(
            s.agency.pk,
            {"agency": s.agency, "on_time": 0, "late": 0, "missing": 0, "waiting": 0, "open": 0},
        )
        if s.state in (SUBMITTED, ACKNOWLEDGED):
            row["on_time" if s.on_time else "late"] += 1
            row["waiting"] += int(s.state == SUBMITTED)
        elif s.state in (MISSING, UNPUBLISHED_LATE):
            row["missing"] += 1
        else:
            row["open"] += 1
    return list(by_agency.values())


TO_DO = (MISSING, UNPUBLISHED_LATE, RETURNED, DUE, UNPUBLISHED)


def reporting_to_do(officer: Officer, today: date) -> list[Standing]:
    """For an agency's 负责人: last year's 报送 his agency has yet to make (the 工作台)."""
    if not is_agency_head(officer):
        return []
    year = latest_due_year(today)
    try:
        rows = standings([officer.unit.agency_id], year, today, lazy_calendar())
    except DeadlineMissing:
        return []
    return [s for s in rows if s.state in TO_DO]


def scorecard_snapshot(agency: Agency, year: int, today: date) -> tuple[str, str]:
    """Every item of the agency's scorecard as it stands now, as canonical JSON and its SHA-256
    (the 自评 frozen when it is submitted)."""
    card = scorecard_of(agency, year=year, today=today)
    items = [
        {
            "number": item.indicator.number,
            "points": str(item.indicator.points),
            "method": item.method,
            "score": None if item.score is None else str(item.score),
            "figures": item.computed.figures if item.computed is not None else "",
        }
        for item in card.items
    ]
    data = canonical_json(
        {
            "agency": agency.credit_code,
            "year": year,
            "points": str(card.points),
            "score": str(card.score),
            "unscored": card.unscored,
            "items": items,
        }
    )
    return data.decode("utf-8"), sha256_hex(data)


def _refresh_alerts(today: date) -> None:
    """Re-check the reporting 预警 now (a fault is logged; the daily scan catches up)."""
    try:
        with transaction.atomic():
            alerts_evaluate(today=today, keys=REPORTING_RULES)
    except Exception:
        log.exception("reporting alerts could not be evaluated")


def submission_make(
    *, actor: Officer, year: int, kind: str, body_id: int, report_id: int | None = None
) -> Submission:
    """The agency's 负责人 submits its ``kind`` for ``year`` to body ``body_id``: the annual
    report it published (``report_id``, which must be that report), or the scorecard frozen
    now. On time when within the period (``reporting_rules``). A second submission while one
    stands is refused and changes nothing."""
    if not is_agency_head(actor):
        raise ReportingForbidden(
            "只有执法主体的负责人可以报送统计年报和自评。",
            log_message=f"officer {actor.pk} may not submit",
        )
    today = timezone.localdate()
    if kind not in SubmissionKind.values:
        raise ReportingRefused("请选择报送内容（统计年报或者指标体系自评）。")
    if not FIRST_YEAR <= year < today.year:
        raise ReportingRefused(f"只能报送 {FIRST_YEAR} 年至上一年度的统计年报和自评。")
    agency = actor.unit.agency
    body = next((b for b in bodies_over([agency.pk]).get(agency.pk, []) if b.pk == body_id), None)
    if body is None:
        raise ReportingForbidden(
            "报送对象不是对本单位负有监督职责的监督机构。",
            log_message=f"agency {agency.pk} submits to body {body_id}: not over it",
        )
    report: AnnualReport | None = None
    if kind == SubmissionKind.ANNUAL_REPORT:
        if report_id is None:
            if not AnnualReport.objects.filter(agency=agency, year=year).exists():
                raise ReportingRefused(f"{year}年度统计年报尚未公开，请先核对并公开，再报送。")
            raise ReportingRefused("请选择要报送的统计年报。")
        report = AnnualReport.objects.filter(pk=report_id).first()
        if report is None or report.agency_id != agency.pk:
            raise ReportingForbidden(
                "只能报送本单位已公开的统计年报。",
                log_message=f"agency {agency.pk} submits report {report_id}: not its own",
            )
        if report.year != year:
            raise ReportingRefused("所选统计年报不是该年度的年报。")
    elif report_id is not None:
        raise ReportingRefused("报送自评时不附统计年报。")
    with transaction.atomic():
        Agency.objects.select_for_update().filter(pk=agency.pk).first()
        (standing,) = [
            s
            for s in reporting_for(actor, year=year, today=today)
            if s.agency.pk == agency.pk and s.body.pk == body.pk and s.kind == kind
        ]
        current = standing.current
        if current is not None:
            raise ReportingRefused(
                f"{year}年度{current.get_kind_display()}已于"
                f"{timezone.localtime(current.submitted_at):%Y年%m月%d日 %H:%M}报送{body.name}，"
                "无需重复报送。",
                log_message=f"submission {current.pk} stands",
            )
        if kind == SubmissionKind.ANNUAL_REPORT:
            assert report is not None  # noqa: S101 - checked above
            snapshot = canonical_json(
                {
                    "report": report.pk,
                    "year": report.year,
                    "sha256": report.sha256,
                    "published_at": report.published_at.isoformat(),
                }
            ).decode("utf-8")
            digest = report.sha256
        else:
            snapshot, digest = scorecard_snapshot(agency, year, today)
        due = standing.effective_due_on
        assert due is not None  # noqa: S101 - a published report or the fixed date
        first = standing.first
        now = timezone.now()
        try:
            with transaction.atomic():
                submission = Submission.objects.create(
                    agency=agency, body=body, year=year, kind=kind, annual_report=report,
                    snapshot=snapshot, sha256=digest, due_on=due,
                    # A resubmission after a return is on time only if the first submission
                    # was and this one is within the period the return gave.
                    on_time=today <= due and (first is None or first.on_time),
                    submitted_by=actor, submitted_at=now, submitted_on=today,
                )  # fmt: skip
        except IntegrityError as exc:
            raise ReportingRefused("该年度的这项内容已经报送，无需重复报送。") from exc
        submission_recorded(submission, SupervisionEvent.SUBMITTED, actor=actor.ledger_actor)
    _refresh_alerts(today)
    log.info("submission %s (%s %s) by officer %s", submission.pk, kind, year, actor.pk)
    return submission


def submissions_readable(officer: Officer) -> list[int]:
    ids = set(supervised_agency_ids(officer))
    if is_agency_head(officer):
        ids.add(officer.unit.agency_id)
    return sorted(ids)


def submission_for(officer: Officer, submission_id: int) -> Submission:
    found = (
        Submission.objects.filter(pk=submission_id, agency_id__in=submissions_readable(officer))
        .select_related("agency", "body", "submitted_by", "handled_by", "annual_report")
        .first()
    )
    if found is None:
        raise ReportingNotFound(
            "未找到该报送记录，或者您无权查看。",
            log_message=f"submission {submission_id} not readable by {officer.pk}",
        )
    return found


def may_handle(officer: Officer, submission: Submission) -> bool:
    body = supervisory_body_of(officer)
    return body is not None and body.pk == submission.body_id


def _handle(*, actor: Officer, submission_id: int, status: str, note: str) -> Submission:
    with transaction.atomic():
        submission_for(actor, submission_id)
        submission = Submission.objects.select_for_update().get(pk=submission_id)
        if not may_handle(actor, submission):
            raise ReportingForbidden(
                "只有报送对象（监督机构）的监督人员可以签收或者退回。",
                log_message=f"officer {actor.pk} may not handle submission {submission.pk}",
            )
        if submission.status != SubmissionStatus.SUBMITTED:
            raise ReportingRefused(
                f"该报送已{submission.get_status_display()}，不能再签收或者退回。"
            )
        submission.status = status
        submission.handled_by = actor
        submission.handled_at = timezone.now()
        submission.note = note
        submission.save(update_fields=["status", "handled_by", "handled_at", "note"])
        event = (
            SupervisionEvent.SUBMISSION_RETURNED
            if status == SubmissionStatus.RETURNED
            else SupervisionEvent.SUBMISSION_ACKNOWLEDGED
        )
        submission_recorded(submission, event, actor=actor.ledger_actor)
    return submission


def _note(note: str, *, required: bool) -> str:
    note = (note or "").strip()
    if required and not note:
        raise ReportingRefused("退回时请写明理由。")
    if len(note) > MAX_NOTE:
        raise ReportingRefused(f"意见不能超过 {MAX_NOTE} 字。")
    return note


def submission_acknowledge(*, actor: Officer, submission_id: int, note: str = "") -> Submission:
    """The body's 监督人员 confirms receipt (签收)."""
    submission = _handle(
        actor=actor, submission_id=submission_id, status=SubmissionStatus.ACKNOWLEDGED,
        note=_note(note, required=False),
    )  # fmt: skip
    log.info("submission %s acknowledged by officer %s", submission.pk, actor.pk)
    return submission


def submission_return(*, actor: Officer, submission_id: int, reason: str) -> Submission:
    """The body's 监督人员 returns the submission with a reason; the agency submits again
    (within 报送's own working days from the day after the return)."""
    submission = _handle(
        actor=actor, submission_id=submission_id, status=SubmissionStatus.RETURNED,
        note=_note(reason, required=True),
    )  # fmt: skip
    log.info("submission %s returned by officer %s", submission.pk, actor.pk)
    return submission
