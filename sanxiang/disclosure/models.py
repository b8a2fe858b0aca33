"""执法公示 after a decision (事后公开): one publication record per decision, opened with its
due date when the decision is made, published only as a redacted text a person confirmed, and
withdrawn with a public statement when the decision falls.

A publication's text is never edited: each confirmed text (the first and each correction) is a
``PublicationVersion`` row, append-only, whose SHA-256 is a ledger event anyone can check.
"""

from __future__ import annotations

from django.core.validators import URLValidator
from django.db import models

from sanxiang.acts.models import OtherAct, Permit
from sanxiang.cases.models import Case, CaseDocument, PenaltyKind
from sanxiang.disclosure.access import PublicationQuerySet
from sanxiang.org.models import Agency, Officer


class ActKind(models.TextChoices):
    """执法行为类别, for the publication period and the portal's filter."""

    PENALTY = "penalty", "行政处罚"
    PERMIT = "permit", "行政许可"
    COERCIVE = "coercive", "行政强制"
    INSPECTION = "inspection", "行政检查"
    OTHER = "other", "其他"


class PublicationPeriod(models.Model):
    """How many working days after the decision it must be public (data/disclosure/periods.csv)."""

    kind = models.CharField("执法行为类别", max_length=16, choices=ActKind.choices, unique=True)
    working_days = models.PositiveSmallIntegerField("公示期限（工作日）")
    basis = models.CharField("依据", max_length=300)

    class Meta:
        verbose_name = "公示期限"
        verbose_name_plural = "公示期限"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.working_days} 个工作日"


class PublicationStatus(models.TextChoices):
    PENDING = "pending", "待公示"
    PUBLISHED = "published", "已公示"
    WITHDRAWN = "withdrawn", "已撤下"
    EXEMPT = "exempt", "依法不予公示"


class WithdrawalReason(models.TextChoices):
    """行政处罚法第四十八条第二款."""

    REVOKED = "revoked", "行政处罚决定被依法撤销"
    CHANGED = "changed", "行政处罚决定被依法变更"
    ILLEGAL = "illegal", "行政处罚决定被确认违法"
    VOID = "void", "行政处罚决定被确认无效"


CREDIT_SEVERITIES = [("minor", "轻微失信"), ("general", "一般失信"), ("serious", "严重失信")]


class Publication(models.Model):
    CREDIT_SEVERITIES = CREDIT_SEVERITIES

    # What was decided: a case's decision, or an act recorded in ``acts`` (exactly one).
    case = models.OneToOneField(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    permit = models.OneToOneField(
        Permit, on_delete=models.PROTECT, null=True, blank=True, related_name="publication"
    )
    act = models.OneToOneField(
        OtherAct, on_delete=models.PROTECT, null=True, blank=True, related_name="publication"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("执法行为类别", max_length=16, choices=ActKind.choices)
    title = models.CharField("标题", max_length=300)
    decided_on = models.DateField("决定日期", db_index=True)
    due_on = models.DateField("应公示期限", db_index=True)
    due_basis = models.CharField("期限依据", max_length=300)
    full_text = models.BooleanField("全文公示", default=False)
    status = models.CharField(
        "状态", max_length=16, choices=PublicationStatus.choices, default=PublicationStatus.PENDING
    )
    published_at = models.DateTimeField("首次公示时间", null=True, blank=True)
    # The 双公示 fields that may be shown (never ID numbers), fixed when the record opens.
    fields = models.JSONField("公示字段")
    # The current confirmed public text; its history is in the versions.
    public_text = models.TextField("公示内容", blank=True)
    public_sha256 = models.CharField(max_length=64, blank=True)
    withdrawal_reason = models.CharField(
        "撤下原因", max_length=16, choices=WithdrawalReason.choices, blank=True
    )
    withdrawal_statement = models.TextField("撤下说明", blank=True)
    withdrawal_occurred_on = models.DateField("决定被撤销、变更或确认之日", null=True, blank=True)
    withdrawal_due_on = models.DateField("应撤下期限", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤下时间", null=True, blank=True)
    exempt_reason = models.CharField("不予公示的理由", max_length=300, blank=True)
    # 信用公示 (行政处罚 only): the class of 失信 and the 公示截止期 that follows (credit.py).
    credit_severity = models.CharField(
        "失信程度",
        max_length=16,
        blank=True,
        choices=CREDIT_SEVERITIES,
    )
    credit_until = models.DateField("公示截止期", null=True, blank=True)
    credit_basis = models.CharField("公示截止期依据", max_length=300, blank=True)
    # The searchable public content as tokens (search.py); kept in step with title, status and
    # public_text by the services, indexed by the database (tsvector / FTS5).
    search_tokens = models.TextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    # ``Publication.objects.visible_to(actor, action)``: the office's access rules live in
    # ``disclosure/access.py``.
    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = "公示"
        ordering = ["-decided_on", "-pk"]
        indexes = [
            models.Index(fields=["status", "-decided_on"], name="publication_portal"),
            models.Index(fields=["agency", "status", "due_on"], name="publication_due"),
            # Newest first with a stable order, and keyset paging on (decided_on, id).
            models.Index(fields=["-decided_on", "-id"], name="publication_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(case__isnull=False, permit__isnull=True, act__isnull=True)
                    | models.Q(case__isnull=True, permit__isnull=False, act__isnull=True)
                    | models.Q(case__isnull=True, permit__isnull=True, act__isnull=False)
                ),
                name="publication_of_one_decision",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def ledger_agency_id(self) -> int:
        return self.agency_id


class PublicationVersion(models.Model):
    """A confirmed public text (公示审核), never changed: corrections are new versions."""

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField("版本")
    text = models.TextField("公示内容")
    sha256 = models.CharField(max_length=64)
    source_document = models.ForeignKey(
        CaseDocument, on_delete=models.PROTECT, null=True, related_name="+"
    )
    findings = models.JSONField("已隐去的内容（类别和位置，不含原文）")
    reason = models.CharField("说明", max_length=300, blank=True)
    confirmed_by = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["publication", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "number"], name="publication_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.publication} v{self.number}"


# 事前公开 (before acting): the lists an agency publishes about itself, built from the master data
# the system enforces with. A head publishes a list as a snapshot; the portal shows the newest.


class ListingKind(models.TextChoices):
    SUBJECT = "subject", "执法主体"
    ITEMS = "items", "行政执法事项清单"
    RANDOM_CHECKS = "random_checks", "随机抽查事项清单"
    GUIDES = "guides", "服务指南"
    REMEDIES = "remedies", "救济渠道"


class RepublicationCause(models.TextChoices):
    LAW = "law", "法律法规规章立改废释"
    DUTY = "duty", "机构职能、执法职权变化"


class RepublicationPeriod(models.Model):
    """Working days to adjust published lists after a change (data/disclosure/republication.csv)."""

    cause = models.CharField(
        "变化原因", max_length=16, choices=RepublicationCause.choices, unique=True
    )
    working_days = models.PositiveSmallIntegerField("调整期限（工作日）")
    basis = models.CharField("依据", max_length=300)

    class Meta:
        verbose_name = "公示调整期限"
        verbose_name_plural = "公示调整期限"

    def __str__(self) -> str:
        return f"{self.get_cause_display()}：{self.working_days} 个工作日"


class ListingSnapshot(models.Model):
    """One published version of one list of one agency; never changed (DB trigger)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("清单", max_length=16, choices=ListingKind.choices)
    number = models.PositiveIntegerField("版本")
    content = models.JSONField("公示内容")
    sha256 = models.CharField(max_length=64)
    published_by = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField("公示时间", auto_now_add=True)

    class Meta:
        verbose_name = "事前公开清单"
        verbose_name_plural = "事前公开清单"
        ordering = ["agency", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "kind", "number"], name="listing_snapshot_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.get_kind_display()} 第{self.number}版"


class ListingChange(models.Model):
    """A change that makes a published list out of date, with the date it must be adjusted by."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("清单", max_length=16, choices=ListingKind.choices)
    cause = models.CharField("变化原因", max_length=16, choices=RepublicationCause.choices)
    subject = models.CharField("变化对象", max_length=64)
    what = models.CharField("说明", max_length=300)
    occurred_on = models.DateField("变化发生之日")
    due_on = models.DateField("应调整期限", null=True, blank=True, db_index=True)
    due_basis = models.CharField("期限依据", max_length=300)
    noticed_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        ListingSnapshot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "待调整的公示信息"
        verbose_name_plural = "待调整的公示信息"
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "kind", "cause", "subject"],
                condition=models.Q(resolved_at__isnull=True),
                name="listing_change_open_once",
            )
        ]

    def __str__(self) -> str:
        return self.what


class AnnualReport(models.Model):
    """A published 行政执法统计年报: the figures as a head confirmed them, frozen as canonical
    JSON whose SHA-256 is in the ledger. Written once (append-only table); never recomputed."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    snapshot = models.TextField("统计数据（规范 JSON）")
    sha256 = models.CharField(max_length=64)
    published_by = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField("公开时间", auto_now_add=True)

    class Meta:
        verbose_name = "行政执法统计年报"
        verbose_name_plural = "行政执法统计年报"
        ordering = ["-year", "agency"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="annual_report_once")
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.year}年度行政执法统计年报"

    @property
    def ledger_agency_id(self) -> int:
        return self.agency_id


# 推送: published, corrected and withdrawn decisions sent to a provincial platform (push.py).


class PushTarget(models.Model):
    """A receiving platform (e.g. the provincial 行政执法信息公示平台). None exist by default, so
    nothing is pushed until an administrator adds one; each edit is a ledger event."""

    name = models.CharField("名称", max_length=100)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="执法机关",
        help_text="留空则推送本系统所有执法机关的公示。",
    )
    url = models.URLField(
        "接收地址",
        max_length=500,
        help_text="http:// 或 https:// 地址。",
        validators=[URLValidator(schemes=["http", "https"])],
    )
    enabled = models.BooleanField("启用", default=True)
    algorithm = models.CharField(
        "签名算法",
        max_length=16,
        blank=True,
        choices=[("ed25519", "Ed25519"), ("sm2-sm3", "SM2（SM3 摘要）")],
        help_text="留空则与日志树头签名相同（SANXIANG_LEDGER_ALGORITHM，默认 Ed25519）。",
    )
    app_key = models.CharField("appKey", max_length=100, blank=True)
    secret_env = models.CharField(
        "HMAC 密钥所在环境变量",
        max_length=100,
        blank=True,
        help_text="填写保存 appKey 对应 secret 的环境变量名；secret 本身不存入数据库。",
    )
    timeout_seconds = models.PositiveSmallIntegerField("超时（秒）", default=10)
    max_attempts = models.PositiveSmallIntegerField("最多尝试次数", default=8)
    backoff_seconds = models.PositiveIntegerField("首次重试间隔（秒）", default=60)
    backoff_cap_seconds = models.PositiveIntegerField("最长重试间隔（秒）", default=6 * 3600)

    class Meta:
        verbose_name = "推送目标"
        verbose_name_plural = "推送目标"

    def __str__(self) -> str:
        return self.name

    @property
    def ledger_agency_id(self) -> int | None:
        return self.agency_id


class DeliveryEvent(models.TextChoices):
    PUBLISH = "publish", "公示"
    CORRECT = "correct", "更正"
    WITHDRAW = "withdraw", "撤下"
    UPDATE = "update", "信息更新"  # e.g. the 失信程度 and 公示截止期 changed; the text did not


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待推送"
    SENT = "sent", "已推送"
    DEAD = "dead", "推送失败"


class Delivery(models.Model):
    """One message to one target (the outbox): written in the same transaction as the
    publication event, sent later by ``sanxiang push run``; its payload never changes."""

    key = models.UUIDField("幂等键", unique=True)
    target = models.ForeignKey(PushTarget, on_delete=models.PROTECT, related_name="deliveries")
    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(
        PublicationVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    event = models.CharField("事项", max_length=16, choices=DeliveryEvent.choices)
    payload = models.TextField("报文（规范 JSON）")
    payload_sha256 = models.CharField(max_length=64)
    status = models.CharField(
        "状态", max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField("已尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试时间")
    claimed_by = models.CharField(max_length=100, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    sent_at = models.DateTimeField("推送成功时间", null=True, blank=True)
    response_status = models.PositiveSmallIntegerField("响应状态码", null=True, blank=True)
    response_sha256 = models.CharField("响应内容 SHA-256", max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "推送"
        verbose_name_plural = "推送"
        ordering = ["-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.get_event_display()} {self.publication_id} → {self.target_id}"

    @property
    def ledger_agency_id(self) -> int:
        return self.publication.agency_id


class DeliveryAttempt(models.Model):
    """One try at sending a delivery, never changed (the delivery log)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="log")
    number = models.PositiveIntegerField("次序")
    runner = models.CharField("执行进程", max_length=100)
    started_at = models.DateTimeField("开始时间")
    duration_ms = models.PositiveIntegerField("耗时（毫秒）")
    http_status = models.PositiveSmallIntegerField("HTTP 状态码", null=True, blank=True)
    error = models.CharField("错误", max_length=500, blank=True)
    response_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = "推送记录"
        verbose_name_plural = "推送记录"
        ordering = ["delivery", "pk"]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"


class AnnualFigureDefinition(models.Model):
    """One figure of the 行政执法统计年报: what it is called, what exactly it counts and the plan
    or article that asks for it. Loaded from data/disclosure/annual_report.csv (migration, or
    ``sanxiang report definitions``); edited in 管理后台. The code computes the value of each
    ``key``; the row says how the report shows it and in which order."""

    key = models.CharField("代码", max_length=64, unique=True, editable=False)
    position = models.PositiveSmallIntegerField("顺序")
    section = models.CharField("类别", max_length=32)
    label = models.CharField("指标", max_length=100)
    unit = models.CharField("单位", max_length=8, blank=True)
    definition = models.TextField("统计口径")
    source = models.TextField("依据")

    class Meta:
        verbose_name = "统计年报指标"
        verbose_name_plural = "统计年报指标"
        ordering = ["position", "key"]

    def __str__(self) -> str:
        return f"{self.section}：{self.label}"


CREDIT_SEVERITIES = [("minor", "轻微失信"), ("general", "一般失信"), ("serious", "严重失信")]


class CreditPeriodRule(models.Model):
    """How long a penalty of one 失信程度 stays on credit websites under the rule in force from a
    date (data/disclosure/credit_periods.csv; ``sanxiang credit load``), edited in 管理后台."""

    regime = models.CharField("规定", max_length=16, help_text="例如 2026（36号令）")
    in_force_from = models.DateField("施行日期")
    severity = models.CharField("失信程度", max_length=16, choices=CREDIT_SEVERITIES)
    min_months = models.PositiveSmallIntegerField("最短公示期（月）")
    max_months = models.PositiveSmallIntegerField(
        "最长公示期（月）", help_text="0 表示原则上不在信用网站公示"
    )
    basis = models.CharField("依据", max_length=300)

    class Meta:
        verbose_name = "信用公示期限"
        verbose_name_plural = "信用公示期限"
        ordering = ["in_force_from", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["in_force_from", "severity"],
                name="credit_period_one_per_day_and_severity",
                violation_error_message="同一施行日期、同一失信程度只能有一条期限。",
            ),
            models.CheckConstraint(
                condition=models.Q(max_months=0) | models.Q(min_months__lte=models.F("max_months")),
                name="credit_period_min_not_above_max",
                violation_error_message="最短公示期不能长于最长公示期。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.in_force_from} 起 {self.get_severity_display()}"


class CreditSeverityDefault(models.Model):
    """The default 失信程度 of one 行政处罚种类 (data/disclosure/credit_severity.csv), which a
    负责人 or 法制审核人员 may change per decision; edited in 管理后台."""

    penalty_kind = models.CharField(
        "处罚种类", max_length=32, choices=PenaltyKind.choices, unique=True
    )
    severity = models.CharField("默认失信程度", max_length=16, choices=CREDIT_SEVERITIES)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "处罚种类默认失信程度"
        verbose_name_plural = "处罚种类默认失信程度"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_penalty_kind_display()}：{self.get_severity_display()}"
