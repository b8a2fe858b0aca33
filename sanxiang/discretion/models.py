"""行政处罚裁量基准 as data (行政处罚法第三十四条): versions per agency, 违法行为, tiers, 情节.

A version is written as a draft (imported, then edited in the 管理后台), put in force by the
agency's 负责人 and superseded by the next one; once in force its rows never change (a change
is a new version), so a decision can name the version it was made under.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from sanxiang.errors import DomainError
from sanxiang.org.models import Agency, Article, EnforcementItem


def _number(value: Decimal | None) -> str:
    """500.00 → 500, 0.50 → 0.5; None → —."""
    if value is None:
        return "—"
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def range_text(low: Decimal | None, high: Decimal | None, unit: str) -> str:
    """A range as the public reads it: 500 元至 5000 元; empty when neither bound is set."""
    if low is None and high is None:
        return ""
    return f"{_number(low)} {unit}至 {_number(high)} {unit}"


def _ordered(low: Decimal | None, high: Decimal | None, field: str, label: str) -> None:
    if low is not None and high is not None and low > high:
        raise ValidationError(
            {field: f"{label}下限（{_number(low)}）高于上限（{_number(high)}）。"}
        )


class BenchmarkStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    IN_FORCE = "in_force", "现行有效"
    SUPERSEDED = "superseded", "已被新版本替代"


class Benchmark(models.Model):
    """One version of an agency's 裁量基准."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="benchmarks")
    number = models.PositiveIntegerField("版本号")
    title = models.CharField("名称", max_length=200)
    issuer = models.CharField("制定机关", max_length=200)
    document_number = models.CharField("文号", max_length=100, blank=True)
    source = models.CharField("来源（网址或出处）", max_length=500, blank=True)
    valid_from = models.DateField("施行日期")
    valid_to = models.DateField("失效日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=BenchmarkStatus.choices, default=BenchmarkStatus.DRAFT
    )
    # When 从重 and 从轻减轻 (or 不罚) 情节 are both recorded: the tier kind that applies. The
    # default 一般处罚 is the project's reading of the usual 综合考量 wording (discretion.md);
    # an agency whose rule says otherwise sets it in the file's 基准 row (column 从重从轻并存).
    both_tier_kind = models.CharField(
        "从重从轻情节并存时适用",
        max_length=16,
        choices=[
            ("lighter", "从轻处罚"),
            ("ordinary", "一般处罚"),
            ("heavier", "从重处罚"),
        ],
        default="ordinary",
    )
    file_sha256 = models.CharField("导入文件 SHA-256", max_length=64, blank=True)
    content_sha256 = models.CharField("内容 SHA-256（发布时计算）", max_length=64, blank=True)
    created_at = models.DateTimeField("导入时间", auto_now_add=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "裁量基准版本"
        verbose_name_plural = "裁量基准版本"
        ordering = ("agency", "-number")
        constraints = [
            models.UniqueConstraint(fields=("agency", "number"), name="discretion_version_unique"),
            models.UniqueConstraint(
                fields=("agency",),
                condition=models.Q(status="in_force"),
                name="discretion_one_in_force",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（第 {self.number} 版，{self.get_status_display()}）"

    @property
    def ledger_agency_id(self) -> int:
        return self.agency_id

    @property
    def is_draft(self) -> bool:
        return self.status == BenchmarkStatus.DRAFT


class FrozenVersion(DomainError):
    """A row of a version in force (or superseded) cannot change: make a new version."""


class _DraftRow(models.Model):
    """A row that belongs to a version and may change only while the version is a draft."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._refuse_unless_draft()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._refuse_unless_draft()
        return super().delete(*args, **kwargs)

    def _benchmark(self) -> Benchmark:
        raise NotImplementedError

    def _refuse_unless_draft(self) -> None:
        if not self._benchmark().is_draft:
            raise FrozenVersion(
                "该裁量基准已发布，内容不能修改；请导入新版本。",
                log_message=f"{self._meta.label} of a published benchmark not changed",
            )

    @property
    def ledger_agency_id(self) -> int:
        return self._benchmark().agency_id


class MultipleBase(models.TextChoices):
    NONE = "", "无"
    ILLEGAL_GAINS = "illegal_gains", "违法所得"
    GOODS_VALUE = "goods_value", "货值金额"


class Violation(_DraftRow):
    """One 违法行为: its articles, the statutory range, and its tiers."""

    benchmark = models.ForeignKey(Benchmark, on_delete=models.CASCADE, related_name="violations")
    code = models.CharField("编号", max_length=40)
    name = models.CharField("违法行为", max_length=300)
    keywords = models.CharField("关键词", max_length=300, blank=True)
    item = models.ForeignKey(
        EnforcementItem,
        on_delete=models.PROTECT,
        related_name="discretion_violations",
        verbose_name="执法事项",
    )
    violated_basis = models.TextField("违法依据（原文引用）")
    penalty_basis = models.TextField("处罚依据（原文引用）")
    violated_articles = models.ManyToManyField(
        Article, related_name="+", verbose_name="违法依据条文", blank=True
    )
    penalty_articles = models.ManyToManyField(
        Article, related_name="+", verbose_name="处罚依据条文"
    )
    statutory_text = models.TextField("法定处罚", blank=True)
    fine_min = models.DecimalField(
        "法定罚款下限（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    fine_max = models.DecimalField(
        "法定罚款上限（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    multiple_base = models.CharField(
        "倍数基数", max_length=16, choices=MultipleBase.choices, blank=True
    )
    multiple_min = models.DecimalField(
        "法定倍数下限", max_digits=8, decimal_places=2, null=True, blank=True
    )
    multiple_max = models.DecimalField(
        "法定倍数上限", max_digits=8, decimal_places=2, null=True, blank=True
    )
    other_penalties = models.CharField("其他处罚种类", max_length=300, blank=True)
    position = models.PositiveIntegerField("序号", default=0)

    class Meta:
        verbose_name = "违法行为"
        verbose_name_plural = "违法行为"
        ordering = ("benchmark", "position", "pk")
        constraints = [
            models.UniqueConstraint(fields=("benchmark", "code"), name="discretion_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        """The 管理后台's check of a draft row (the importer checks the same for files)."""
        _ordered(self.fine_min, self.fine_max, "fine_min", "法定罚款")
        _ordered(self.multiple_min, self.multiple_max, "multiple_min", "法定倍数")

    def _benchmark(self) -> Benchmark:
        return self.benchmark

    @property
    def fine_text(self) -> str:
        return range_text(self.fine_min, self.fine_max, "元")

    @property
    def multiple_text(self) -> str:
        found = range_text(self.multiple_min, self.multiple_max, "倍")
        return f"{self.get_multiple_base_display()}的 {found}" if found else ""


class TierKind(models.TextChoices):
    NO_PENALTY = "no_penalty", "不予处罚"
    MITIGATED = "mitigated", "减轻处罚"
    LIGHTER = "lighter", "从轻处罚"
    ORDINARY = "ordinary", "一般处罚"
    HEAVIER = "heavier", "从重处罚"
    OTHER = "other", "其他阶次"


class Tier(_DraftRow):
    """One tier (裁量阶次) of a 违法行为: when it applies and its range."""

    violation = models.ForeignKey(Violation, on_delete=models.CASCADE, related_name="tiers")
    name = models.CharField("阶次", max_length=50)
    kind = models.CharField("阶次性质", max_length=16, choices=TierKind.choices)
    conditions = models.TextField("适用条件")
    fine_min = models.DecimalField(
        "罚款下限（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    fine_max = models.DecimalField(
        "罚款上限（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    multiple_min = models.DecimalField(
        "倍数下限", max_digits=8, decimal_places=2, null=True, blank=True
    )
    multiple_max = models.DecimalField(
        "倍数上限", max_digits=8, decimal_places=2, null=True, blank=True
    )
    other_penalties = models.CharField("其他处罚", max_length=300, blank=True)
    position = models.PositiveIntegerField("序号", default=0)

    class Meta:
        verbose_name = "裁量阶次"
        verbose_name_plural = "裁量阶次"
        ordering = ("violation", "position", "pk")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A tier edited in the 管理后台 keeps the importer's rules: bounds in order, inside the
        statutory range (only a 减轻处罚 tier below its minimum), no penalty when 不予处罚."""
        _ordered(self.fine_min, self.fine_max, "fine_min", "罚款")
        _ordered(self.multiple_min, self.multiple_max, "multiple_min", "倍数")
        given = (self.fine_min, self.fine_max, self.multiple_min, self.multiple_max)
        if self.kind == TierKind.NO_PENALTY and any(v is not None for v in given):
            raise ValidationError("不予处罚的阶次不能规定罚款或倍数。")
        violation = self.violation if self.violation_id else None
        if violation is None:
            return
        for low, high, law_low, law_high, label in (
            (self.fine_min, self.fine_max, violation.fine_min, violation.fine_max, "罚款"),
            (
                self.multiple_min,
                self.multiple_max,
                violation.multiple_min,
                violation.multiple_max,
                "倍数",
            ),
        ):
            top = high if high is not None else low
            if law_high is not None and top is not None and top > law_high:
                raise ValidationError(f"{label}幅度高于法定上限（{_number(law_high)}）。")
            below = law_low is not None and low is not None and low < law_low
            if below and self.kind != TierKind.MITIGATED:
                raise ValidationError(
                    f"{label}幅度低于法定下限（{_number(law_low)}），只有减轻处罚的阶次可以低于法定下限。"
                )

    def _benchmark(self) -> Benchmark:
        return self.violation.benchmark

    @property
    def penalty_text(self) -> str:
        """The tier's range in words: 罚款 500 元至 1500 元, multiples, other penalties."""
        if self.kind == TierKind.NO_PENALTY:
            return "不予处罚"
        parts = []
        if self.fine_min is not None or self.fine_max is not None:
            parts.append("罚款 " + range_text(self.fine_min, self.fine_max, "元"))
        if self.multiple_min is not None or self.multiple_max is not None:
            base = self.violation.get_multiple_base_display()
            parts.append(f"{base}的 " + range_text(self.multiple_min, self.multiple_max, "倍"))
        if self.other_penalties:
            parts.append(self.other_penalties)
        return "，".join(parts)

    def contains_fine(self, amount: Decimal) -> bool:
        if self.fine_min is None and self.fine_max is None:
            return False
        low = self.fine_min if self.fine_min is not None else Decimal(0)
        return low <= amount and (self.fine_max is None or amount <= self.fine_max)


class CircumstanceKind(models.TextChoices):
    FIRST_OFFENCE = "first_offence", "首违不罚"
    MINOR = "minor", "轻微不罚"
    MITIGATING = "mitigating", "从轻减轻"
    AGGRAVATING = "aggravating", "从重"


class Circumstance(_DraftRow):
    """An entry of the 首违不罚 / 轻微不罚 lists (第三十三条) or a 从轻减轻 / 从重 情节."""

    benchmark = models.ForeignKey(Benchmark, on_delete=models.CASCADE, related_name="circumstances")
    kind = models.CharField("类别", max_length=16, choices=CircumstanceKind.choices)
    violation = models.ForeignKey(
        Violation,
        on_delete=models.CASCADE,
        related_name="circumstances",
        null=True,
        blank=True,
        verbose_name="适用的违法行为（空为全部）",
    )
    text = models.TextField("情形")
    basis = models.TextField("依据（原文引用）", blank=True)
    articles = models.ManyToManyField(
        Article, related_name="+", verbose_name="依据条文", blank=True
    )
    position = models.PositiveIntegerField("序号", default=0)

    class Meta:
        verbose_name = "裁量情节"
        verbose_name_plural = "裁量情节"
        ordering = ("benchmark", "kind", "position", "pk")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.text[:30]}"

    def _benchmark(self) -> Benchmark:
        return self.benchmark
