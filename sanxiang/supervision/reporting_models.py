"""报送 (issue #16): an agency submits its published 行政执法统计年报 and its 指标体系自评 for a
year to the supervising body over it, within the periods kept as data (``ReportingDeadline``,
data/supervision/reporting.csv); the body acknowledges receipt or returns it with a reason.

A ``Submission`` row is written once when the agency's 负责人 submits and afterwards changes
only its status (签收 or 退回, with who, when and why), each step a ledger event in the agency's
log. A returned submission stays as it was; the agency submits again as a new row. At most one
submission per agency, body, year and kind is not returned (a database constraint), so a
double submission cannot be recorded.
"""

from __future__ import annotations

import calendar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from sanxiang.org.models import Agency, Officer, SupervisoryBody


class ReportingDeadline(models.Model):
    """One period of data/supervision/reporting.csv: a fixed day of the year after the report
    year (``month``/``day``), or ``workdays`` counted from the annual report's publication."""

    key = models.CharField("代码", max_length=40, unique=True, editable=False)
    name = models.CharField("事项", max_length=60)
    month = models.PositiveSmallIntegerField("月", null=True, blank=True)
    day = models.PositiveSmallIntegerField("日", null=True, blank=True)
    workdays = models.PositiveSmallIntegerField(
        "工作日", null=True, blank=True, help_text="自统计年报公开之日的次日起算；与月、日二选一"
    )
    basis = models.CharField("依据", max_length=400)

    class Meta:
        verbose_name = "报送期限"
        verbose_name_plural = "报送期限"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        fixed = self.month is not None or self.day is not None
        if fixed == (self.workdays is not None):
            raise ValidationError(
                "请填写月和日（次年的固定日期），或者填写工作日数，二者只填其一。"
            )
        # The code reads 统计年报's 报送 as working days from its publication and the other two
        # as a day of the next year; an edit may change the figures, not the kind of period.
        if self.key and (self.key == "annual_submit") == fixed:
            raise ValidationError(
                "统计年报报送期限应填写工作日数。"
                if fixed
                else "该期限应填写次年的固定日期（月和日）。"
            )
        if fixed:
            if self.month is None or self.day is None or not 1 <= self.month <= 12:
                raise ValidationError("请填写有效的月和日。")
            if not 1 <= self.day <= calendar.monthrange(2024, self.month)[1]:  # 2024: leap
                raise ValidationError("该月没有这一日。")
        elif not 1 <= (self.workdays or 0) <= 60:
            raise ValidationError("工作日数应为 1 至 60。")

    @property
    def described(self) -> str:
        if self.workdays is not None:
            return f"统计年报公开之日起 {self.workdays} 个工作日内"
        return f"次年{self.month}月{self.day}日前"


class SubmissionKind(models.TextChoices):
    ANNUAL_REPORT = "annual_report", "行政执法统计年报"
    SCORECARD = "scorecard", "指标体系自评"


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", "已报送，待签收"
    ACKNOWLEDGED = "acknowledged", "已签收"
    RETURNED = "returned", "已退回"


class Submission(models.Model):
    """One 报送 of an agency's annual report or self-assessment for a year to one body."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name="报送单位"
    )
    body = models.ForeignKey(
        SupervisoryBody, on_delete=models.PROTECT, related_name="+", verbose_name="报送对象"
    )
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("报送内容", max_length=16, choices=SubmissionKind.choices)
    annual_report = models.ForeignKey(
        "disclosure.AnnualReport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="统计年报",
    )
    # What exactly was submitted, frozen: the annual report's id and hash, or every item of the
    # scorecard as it stood (canonical JSON); ``sha256`` is its digest (the report's own hash
    # for an annual report).
    snapshot = models.TextField("报送内容（规范 JSON）")
    sha256 = models.CharField("SHA-256", max_length=64)
    due_on = models.DateField("报送期限")
    on_time = models.BooleanField("按时报送")
    submitted_by = models.ForeignKey(
        Officer, on_delete=models.PROTECT, related_name="+", verbose_name="报送人"
    )
    submitted_at = models.DateTimeField("报送时间")
    submitted_on = models.DateField("报送日期")
    status = models.CharField(
        "状态", max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.SUBMITTED
    )
    handled_by = models.ForeignKey(
        Officer, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="签收或退回人",
    )  # fmt: skip
    handled_at = models.DateTimeField("签收或退回时间", null=True, blank=True)
    note = models.CharField("签收意见或退回理由", max_length=500, blank=True)

    class Meta:
        verbose_name = "报送记录"
        verbose_name_plural = "报送记录"
        ordering = ["-year", "agency", "kind", "-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "body", "year", "kind"],
                condition=~Q(status="returned"),
                name="submission_one_standing",
                violation_error_message="该年度的这项内容已经报送。",
            )
        ]
        indexes = [models.Index(fields=["year", "agency"], name="submission_year_agency")]

    def __str__(self) -> str:
        return f"{self.agency} {self.year}年度{self.get_kind_display()}（报{self.body}）"

    @property
    def ledger_agency_id(self) -> int:
        return self.agency_id
