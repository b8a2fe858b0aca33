"""预警 (issue #16): rules kept as data (what, threshold, whom, when to escalate, the legal basis)
and the alerts they raise. An alert is raised when its condition starts to hold, resolved when it
stops holding (or by a person, with a note), and escalated to the 负责人 and 监督人员 when nobody
acknowledged it in time; each of these is a ledger event."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from sanxiang.cases.models import Case
from sanxiang.org.models import Agency, Officer


class Audience(models.TextChoices):
    HANDLERS = "承办人", "承办人"
    HEAD = "负责人", "负责人"
    SUPERVISOR = "监督人员", "监督人员"


class AlertRule(models.Model):
    """One 预警规则 (data/alerts/rules.csv); ``key`` names its evaluator in ``alerts.rules``."""

    key = models.CharField("代码", max_length=40, unique=True, editable=False)
    name = models.CharField("预警事项", max_length=100)
    threshold = models.PositiveIntegerField("阈值", default=0)
    unit = models.CharField("阈值单位", max_length=16, blank=True)
    audience = models.CharField(
        "提醒对象", max_length=60, help_text="承办人、负责人、监督人员中的一项或几项，用顿号分隔"
    )
    escalate_after = models.PositiveSmallIntegerField(
        "未确认升级（工作日）",
        default=3,
        help_text="提醒对象在此期限内未确认的，升级给负责人和监督人员",
    )
    basis = models.CharField("依据", max_length=400)
    enabled = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "预警规则"
        verbose_name_plural = "预警规则"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def audiences(self) -> set[str]:
        return {part for part in self.audience.replace("，", "、").split("、") if part}


class AlertStatus(models.TextChoices):
    OPEN = "open", "待处理"
    ACKNOWLEDGED = "acknowledged", "已确认"
    RESOLVED = "resolved", "已消除"


class Alert(models.Model):
    rule = models.ForeignKey(AlertRule, on_delete=models.PROTECT, verbose_name="预警规则")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="案件"
    )
    # What the alert is about, stable across runs: "case:12", "publication:5", "officer:7".
    subject = models.CharField("预警对象", max_length=60)
    text = models.CharField("内容", max_length=300)
    status = models.CharField(
        "状态", max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    raised_at = models.DateTimeField("预警时间")
    raised_on = models.DateField("预警日期")
    acknowledged_by = models.ForeignKey(
        Officer, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="确认人",
    )  # fmt: skip
    acknowledged_at = models.DateTimeField("确认时间", null=True, blank=True)
    escalated_at = models.DateTimeField("升级时间", null=True, blank=True)
    resolved_by = models.ForeignKey(
        Officer, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="处理人",
    )  # fmt: skip
    resolved_at = models.DateTimeField("消除时间", null=True, blank=True)
    resolution = models.CharField("处理情况", max_length=300, blank=True)

    class Meta:
        verbose_name = "预警"
        verbose_name_plural = "预警"
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject"],
                condition=~Q(status="resolved"),
                name="alert_one_open_per_rule_and_subject",
                violation_error_message="该事项已有未消除的预警。",
            )
        ]
        indexes = [models.Index(fields=["agency", "status"], name="alert_agency_status")]

    def __str__(self) -> str:
        return f"{self.rule.name}：{self.text}"

    @property
    def ledger_agency_id(self) -> int:
        return self.agency_id
