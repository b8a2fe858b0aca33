"""案卷评查 (issue #16): a supervising body's campaign scores a random sample of closed cases
against a 评查标准 kept as data.

The standard is versioned: a campaign keeps the version it started with, and the items of a
version in use refuse to change (``StandardItem.save``/``delete``), so a score always refers to
the text it was given against. The sample is drawn with SX-DRAW-1 (``inspections.draw``), one
draw per stratum (agency × procedure); the frame, the beacon and the result are kept on the
campaign so that ``sanxiang evaluation verify`` can recompute them.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from sanxiang.errors import DomainError
from sanxiang.evidence.models import Blob
from sanxiang.org.models import Agency, Officer, SupervisoryBody


class Category(models.TextChoices):
    SUBJECT = "subject", "主体"
    FACTS = "facts", "事实"
    EVIDENCE = "evidence", "证据"
    PROCEDURE = "procedure", "程序"
    BASIS = "basis", "依据"
    DISCRETION = "discretion", "裁量"
    DOCUMENTS = "documents", "文书"
    SERVICE = "service", "送达"
    FILING = "filing", "归档"


class Standard(models.Model):
    """One version of the 评查标准 (its items are ``StandardItem`` rows)."""

    version = models.CharField("版本", max_length=20, unique=True)
    title = models.CharField("名称", max_length=100)
    source = models.TextField("出处", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "案卷评查标准"
        verbose_name_plural = "案卷评查标准"
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.title}（{self.version}）"

    @property
    def in_use(self) -> bool:
        return bool(self.pk) and Campaign.objects.filter(standard_id=self.pk).exists()

    @property
    def total_points(self) -> Decimal:
        return sum((item.points for item in self.items.all()), Decimal(0))


class StandardItem(models.Model):
    """One item of a 评查标准: what is checked, its points and how a deduction is expressed."""

    standard = models.ForeignKey(
        Standard, on_delete=models.CASCADE, related_name="items", verbose_name="评查标准"
    )
    position = models.PositiveSmallIntegerField("顺序", default=0)
    number = models.CharField("序号", max_length=10)
    category = models.CharField("类别", max_length=16, choices=Category.choices)
    description = models.TextField("评查内容")
    points = models.DecimalField("分值", max_digits=5, decimal_places=1)
    deduction = models.TextField("扣分办法")
    basis = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        verbose_name = "评查项目"
        verbose_name_plural = "评查项目"
        ordering = ["standard", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "number"],
                name="evaluation_item_number_once",
                violation_error_message="同一评查标准中序号不能重复。",
            ),
            models.CheckConstraint(
                condition=models.Q(points__gt=0),
                name="evaluation_item_points_positive",
                violation_error_message="分值必须大于 0。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_category_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._refuse_if_used()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        self._refuse_if_used()
        return super().delete(*args, **kwargs)

    def _refuse_if_used(self) -> None:
        if Campaign.objects.filter(standard_id=self.standard_id).exists():
            raise DomainError(
                "该评查标准已被评查活动使用，不能修改；请新建版本。",
                log_message=f"item {self.pk} of a standard in use",
            )


class BeaconForm(models.Model):
    """A kind of public random value a campaign may declare as its beacon: what it is, the form
    its value takes (a regular expression over the whole value, spaces collapsed) and when it
    is published (``data/evaluation/beacon_forms.csv``). A campaign copies the form at its
    freeze, so a later edit here changes no campaign."""

    key = models.CharField("代码", max_length=20, unique=True)
    name = models.CharField("随机源", max_length=100)
    pattern = models.CharField(
        "取值格式（正则表达式）", max_length=300, help_text="整个取值（连续空白视为一个空格）须匹配"
    )
    example = models.CharField("示例", max_length=200)
    published = models.CharField("公布时间", max_length=200)
    source = models.CharField("出处", max_length=300)
    enabled = models.BooleanField("可选用", default=True)

    class Meta:
        verbose_name = "案卷评查随机源形式"
        verbose_name_plural = "案卷评查随机源形式"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            matches = re.fullmatch(self.pattern, self.example) is not None
        except re.error as exc:
            raise ValidationError({"pattern": f"不是有效的正则表达式：{exc}"}) from exc
        if not matches:
            raise ValidationError({"example": "示例不符合取值格式。"})


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "筹备中"
    FROZEN = "frozen", "样本框已冻结"
    DRAWN = "drawn", "评查中"
    CLOSED = "closed", "已结束"


class Campaign(models.Model):
    """A 案卷评查 campaign of a supervising body over the cases its agencies closed in a period."""

    body = models.ForeignKey(
        SupervisoryBody, on_delete=models.PROTECT, related_name="+", verbose_name="监督机构"
    )
    name = models.CharField("评查活动名称", max_length=100)
    closed_from = models.DateField("结案日期自")
    closed_to = models.DateField("结案日期至")
    per_stratum = models.PositiveSmallIntegerField("每层抽取案卷数")
    standard = models.ForeignKey(
        Standard, on_delete=models.PROTECT, related_name="campaigns", verbose_name="评查标准"
    )
    agencies = models.ManyToManyField(Agency, related_name="+", verbose_name="被评查执法主体")
    evaluators = models.ManyToManyField(Officer, related_name="+", verbose_name="评查人员")
    status = models.CharField(
        "状态", max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    created_by = models.ForeignKey(
        Officer, on_delete=models.PROTECT, related_name="+", verbose_name="发起人"
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    # Set by the freeze: the strata with their sorted case lists (SX-DRAW-1 candidates) and
    # the sorted evaluator list, and the beacon whose value, published later, decides the draw.
    frame: models.JSONField[Any] = models.JSONField("样本框", default=dict, blank=True)
    beacon_source = models.CharField("随机源", max_length=300, blank=True)
    # The declared form, copied from ``BeaconForm`` at the freeze, and the moment the value is
    # published: the draw refuses a value entered earlier or not of this form. Empty on
    # campaigns frozen before forms were declared.
    beacon_form = models.CharField("随机源形式", max_length=100, blank=True)
    beacon_pattern = models.CharField("随机源取值格式", max_length=300, blank=True)
    beacon_example = models.CharField("随机源取值示例", max_length=200, blank=True)
    beacon_known_at = models.DateTimeField("随机源公布时间", null=True, blank=True)
    frozen_at = models.DateTimeField("冻结时间", null=True, blank=True)
    # Set by the draw: the beacon's value and, per stratum, the seed and the cases drawn.
    beacon = models.CharField("随机源取值", max_length=300, blank=True)
    result: models.JSONField[Any] = models.JSONField("抽样结果", default=list, blank=True)
    drawn_at = models.DateTimeField("抽取时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)

    class Meta:
        verbose_name = "案卷评查活动"
        verbose_name_plural = "案卷评查活动"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_from__lte=models.F("closed_to")),
                name="evaluation_period_ordered",
                violation_error_message="结案日期的起始日不能晚于截止日。",
            ),
            models.CheckConstraint(
                condition=models.Q(per_stratum__gte=1),
                name="evaluation_per_stratum_positive",
                violation_error_message="每层至少抽取 1 件案卷。",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ledger_agency_id(self) -> int:
        return self.body.agency_id


class Assignment(models.Model):
    """One drawn case, its evaluator, his score, and the agency's answer (整改情况)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="assignments", verbose_name="评查活动"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name="案卷"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name="被评查执法主体"
    )
    procedure = models.CharField("程序", max_length=32)
    evaluator = models.ForeignKey(
        Officer, on_delete=models.PROTECT, related_name="+", verbose_name="评查人员"
    )
    score = models.DecimalField("得分", max_digits=6, decimal_places=1, null=True, blank=True)
    summary = models.TextField("总体评查意见", blank=True)
    submitted_at = models.DateTimeField("评分提交时间", null=True, blank=True)
    answer = models.TextField("整改情况", blank=True)
    answered_by = models.ForeignKey(
        Officer, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="答复人",
    )  # fmt: skip
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = "评查案卷"
        verbose_name_plural = "评查案卷"
        ordering = ["campaign", "agency", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "case"],
                name="evaluation_case_once_per_campaign",
                violation_error_message="同一评查活动中一件案卷只评查一次。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.case}"


class Mark(models.Model):
    """The evaluator's deduction and written finding on one item of the standard."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="marks", verbose_name="评查案卷"
    )
    item = models.ForeignKey(
        StandardItem, on_delete=models.PROTECT, related_name="+", verbose_name="评查项目"
    )
    deduction = models.DecimalField("扣分", max_digits=5, decimal_places=1)
    finding = models.TextField("评查意见", blank=True)

    class Meta:
        verbose_name = "评查扣分"
        verbose_name_plural = "评查扣分"
        ordering = ["assignment", "item__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "item"],
                name="evaluation_mark_once",
                violation_error_message="每个评查项目只能评分一次。",
            ),
            models.CheckConstraint(
                condition=models.Q(deduction__gte=0),
                name="evaluation_deduction_not_negative",
                violation_error_message="扣分不能为负数。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} 扣 {self.deduction} 分"


class FindingAttachment(models.Model):
    """A file the evaluated agency sent with its 整改情况, its bytes in the evidence store; its
    SHA-256 is in the answer's ledger event."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="attachments", verbose_name="评查案卷"
    )
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField("文件名", max_length=255)

    class Meta:
        verbose_name = "整改情况附件"
        verbose_name_plural = "整改情况附件"
        ordering = ["assignment", "pk"]

    def __str__(self) -> str:
        return self.filename


class FindingFileAccess(models.Model):
    """调阅记录 of a 整改情况 file: who opened it and when (append-only, no ledger event)."""

    attachment = models.ForeignKey(
        FindingAttachment, on_delete=models.PROTECT, related_name="accesses"
    )
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    actor = models.CharField("操作人", max_length=64)
    accessed_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "整改情况附件调阅记录"
        verbose_name_plural = "整改情况附件调阅记录"
        ordering = ["-accessed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.actor} attachment {self.attachment_id}"
