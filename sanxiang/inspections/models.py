"""双随机一公开: the 名录库 of targets, annual plans, tasks and their frozen, recomputable draws.

A task's candidate and inspector lists are copied into the task when it is frozen and never
change afterwards (the ledger holds their SHA-256 before any beacon is known); later edits to
the 名录库 or to certificates do not touch a frozen task. See ``sanxiang.inspections.draw``.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import models
from django.db.models import Q

from sanxiang.org.models import Agency, EnforcementCategory, Officer, RandomCheckItem


class SubjectKind(models.TextChoices):
    ORGANISATION = "organisation", "单位"
    INDIVIDUAL = "individual", "个人"


class RiskLevel(models.TextChoices):
    LOW = "low", "低风险"
    MEDIUM = "medium", "中风险"
    HIGH = "high", "高风险"


def public_id_new(kind: str, identifier: str) -> str:
    """The public ID of a new 名录库 row: an organisation's credit code; for an individual a
    random pseudonym, so that it reveals nothing of the ID number."""
    if kind == SubjectKind.ORGANISATION:
        return identifier
    return "GR" + secrets.token_hex(6).upper()


class InspectionTarget(models.Model):
    """检查对象名录库: one organisation or individual an agency may inspect.

    ``public_id`` is what a draw lists and the portal publishes: the 统一社会信用代码 of an
    organisation, a pseudonymous ID (never the ID number) of an individual.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=16, choices=SubjectKind.choices)
    public_id = models.CharField("公开标识", max_length=32, editable=False)
    identifier = models.CharField("统一社会信用代码或身份证号码", max_length=32)
    name = models.CharField("名称或姓名", max_length=200)
    address = models.CharField("住所或经营地址", max_length=200)
    category = models.CharField("行业类别", max_length=100)
    area = models.CharField("所属区域", max_length=100)
    risk_level = models.CharField("风险等级", max_length=16, choices=RiskLevel.choices)
    credit_level = models.CharField("信用等级", max_length=20, blank=True)
    is_active = models.BooleanField("在库", default=True)

    class Meta:
        verbose_name = "检查对象"
        verbose_name_plural = "检查对象名录库"
        ordering = ["agency", "area", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "identifier"],
                name="inspection_target_once_per_agency",
                violation_error_message="本执法主体的名录库已有此检查对象。",
            ),
            models.UniqueConstraint(
                fields=["agency", "public_id"],
                name="inspection_target_public_id_unique",
                violation_error_message="公开标识重复。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.public_label} {self.public_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The public ID is given once: the credit code of an organisation, a random
        # pseudonym of an individual (so it reveals nothing of the ID number).
        if not self.public_id:
            self.public_id = public_id_new(self.kind, self.identifier)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from sanxiang.core.identifiers import credit_code_problem, id_number_problem

        self.identifier = self.identifier.strip().upper()
        check = credit_code_problem if self.kind == SubjectKind.ORGANISATION else id_number_problem
        problem = check(self.identifier)
        if problem:
            raise ValidationError({"identifier": problem})

    @property
    def public_label(self) -> str:
        """What the portal may show: an organisation's name; an individual only as 个人."""
        return self.name if self.kind == SubjectKind.ORGANISATION else "个人（已隐去姓名）"

    @property
    def ledger_agency_id(self) -> int:
        return self.agency_id


class InspectionPlan(models.Model):
    """年度抽查计划 for one 随机抽查事项."""

    item = models.ForeignKey(
        RandomCheckItem, on_delete=models.PROTECT, related_name="+", verbose_name="抽查事项"
    )
    year = models.PositiveSmallIntegerField("年度")
    ratio_percent = models.DecimalField("抽查比例（%）", max_digits=5, decimal_places=2)
    frequency = models.CharField("抽查频次", max_length=100)
    note = models.TextField("说明", blank=True)
    created_by = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "抽查计划"
        verbose_name_plural = "抽查计划"
        ordering = ["-year", "item"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "year"],
                name="inspection_plan_once_per_year",
                violation_error_message="该抽查事项本年度已有计划。",
            ),
            models.CheckConstraint(
                condition=Q(ratio_percent__gt=0) & Q(ratio_percent__lte=100),
                name="inspection_plan_ratio_range",
                violation_error_message="抽查比例应大于 0 且不超过 100。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.item.name}"

    @property
    def ledger_agency_id(self) -> int:
        return self.item.agency_id


class TaskState(models.TextChoices):
    DRAFT = "draft", "待冻结名单"
    FROZEN = "frozen", "名单已冻结，待录入随机源"
    DRAWN = "drawn", "已抽取"


class InspectionTask(models.Model):
    """抽查任务: filters that choose its candidates, then the frozen lists, beacons and result."""

    plan = models.ForeignKey(
        InspectionPlan, on_delete=models.PROTECT, related_name="tasks", verbose_name="抽查计划"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name="牵头执法主体"
    )
    partners = models.ManyToManyField(
        Agency, blank=True, related_name="+", verbose_name="联合抽查部门"
    )
    name = models.CharField("任务名称", max_length=200)
    category = models.ForeignKey(
        EnforcementCategory, on_delete=models.PROTECT, related_name="+", verbose_name="执法类别"
    )
    filter_area = models.CharField("区域（空为不限）", max_length=100, blank=True)
    filter_category = models.CharField("行业类别（空为不限）", max_length=100, blank=True)
    filter_risk = models.JSONField("风险等级（空为不限）", default=list, blank=True)
    k = models.PositiveIntegerField("抽取检查对象数")
    m = models.PositiveSmallIntegerField("每组检查人员数", default=2)
    state = models.CharField(
        "状态", max_length=16, choices=TaskState.choices, default=TaskState.DRAFT
    )
    created_by = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Frozen lists (set once by task_freeze): identifiers sorted by UTF-8 bytes, and labels.
    candidates = models.JSONField(default=list, editable=False)
    candidate_labels = models.JSONField(default=dict, editable=False)
    inspectors = models.JSONField(default=list, editable=False)
    inspector_labels = models.JSONField(default=dict, editable=False)
    # 执法证号 → officer id at the freeze: the drawn person, whatever happens to the number.
    inspector_officers = models.JSONField(default=dict, editable=False)
    # The beacons declared at the freeze (their sources, e.g. a lottery draw of a later date):
    # exactly these are entered, once each, and nothing else — so that nobody can add beacons
    # until a draw comes out as he likes.
    beacon_plan = models.JSONField(default=list, editable=False)
    conflicts = models.JSONField(default=dict, editable=False)
    candidates_count = models.PositiveIntegerField(default=0, editable=False)
    inspectors_count = models.PositiveIntegerField(default=0, editable=False)
    candidates_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    inspectors_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    frozen_at = models.DateTimeField(null=True, blank=True, editable=False)
    frozen_by = models.ForeignKey(
        Officer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The result (set once by task_draw).
    seed = models.CharField(max_length=64, blank=True, editable=False)
    targets = models.JSONField(default=list, editable=False)
    teams = models.JSONField(default=dict, editable=False)
    drawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    drawn_by = models.ForeignKey(
        Officer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "抽查任务"
        verbose_name_plural = "抽查任务"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(k__gte=1), name="inspection_task_k_positive"),
            models.CheckConstraint(condition=Q(m__gte=1), name="inspection_task_m_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ledger_agency_id(self) -> int:
        return self.agency_id


class Conflict(models.Model):
    """回避: an inspector who must not inspect one candidate; recorded before the freeze."""

    task = models.ForeignKey(InspectionTask, on_delete=models.PROTECT, related_name="conflict_rows")
    target_public_id = models.CharField("检查对象公开标识", max_length=32)
    inspector = models.CharField("检查人员执法证号", max_length=32)
    officer = models.ForeignKey(
        Officer, on_delete=models.PROTECT, related_name="+", verbose_name="回避的检查人员"
    )
    reason = models.CharField("回避事由", max_length=200)
    recorded_by = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "回避"
        verbose_name_plural = "回避"
        constraints = [
            models.UniqueConstraint(
                fields=["task", "target_public_id", "inspector"],
                name="inspection_conflict_once",
                violation_error_message="该回避已登记。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspector} 回避 {self.target_public_id}"

    @property
    def ledger_agency_id(self) -> int:
        return self.task.agency_id


class Commitment(models.Model):
    """A participant's sealed random value: its SHA-256 before the freeze, the value after."""

    task = models.ForeignKey(InspectionTask, on_delete=models.PROTECT, related_name="commitments")
    participant = models.CharField("参与人（单位、身份）", max_length=100)
    digest = models.CharField("承诺值（SHA-256）", max_length=64)
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "随机数承诺"
        verbose_name_plural = "随机数承诺"
        ordering = ["task", "made_at"]

    def __str__(self) -> str:
        return f"{self.participant} {self.digest[:12]}…"

    @property
    def ledger_agency_id(self) -> int:
        return self.task.agency_id


class Beacon(models.Model):
    """One public random value entered after the freeze (a lottery result, a reveal …)."""

    task = models.ForeignKey(InspectionTask, on_delete=models.PROTECT, related_name="beacons")
    position = models.PositiveSmallIntegerField()
    value = models.CharField("随机源内容", max_length=500)
    source = models.CharField("来源", max_length=300)
    published_at = models.DateTimeField("随机源产生时间")
    commitment = models.OneToOneField(
        Commitment, on_delete=models.PROTECT, null=True, blank=True, related_name="reveal"
    )
    entered_by = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "随机源"
        verbose_name_plural = "随机源"
        ordering = ["task", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "position"], name="inspection_beacon_position_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}：{self.value}"

    @property
    def ledger_agency_id(self) -> int:
        return self.task.agency_id


class DrawnTarget(models.Model):
    """A target the draw picked, in drawn order, and the 行政检查 case opened for its team."""

    task = models.ForeignKey(InspectionTask, on_delete=models.PROTECT, related_name="drawn")
    position = models.PositiveIntegerField()
    public_id = models.CharField(max_length=32)
    target = models.ForeignKey(InspectionTarget, on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="random_draw")

    class Meta:
        verbose_name = "抽中对象"
        verbose_name_plural = "抽中对象"
        ordering = ["task", "position"]
        constraints = [
            models.UniqueConstraint(fields=["task", "position"], name="inspection_drawn_once")
        ]

    def __str__(self) -> str:
        return f"第 {self.position + 1} 个：{self.public_id}"
