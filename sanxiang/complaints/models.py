"""投诉举报: what the public sends in, each step taken on it, the rules its deadlines come from,
and the record of submissions the rate limit counts.

A complaint belongs to one agency at a time (``agency``); 转办 moves it to another and restarts
the acceptance clock there. Its status history (``ComplaintStep``) is append-only, one row per
step, each with its ledger event. Complaints about an officer's conduct or about the agency
itself are marked ``for_supervisor`` so that the supervising body can be shown them.
"""

from __future__ import annotations

from datetime import date

from django.db import models

from sanxiang.cases.models import Case
from sanxiang.evidence.models import Blob
from sanxiang.org.models import Agency, EnforcementCategory, Officer

# Tracking codes: 12 characters of an alphabet without 0/O, 1/I/L (59 bits), typed in any case.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12


class ComplaintKind(models.TextChoices):
    COMPLAINT = "complaint", "投诉"
    REPORT = "report", "举报"


class Subject(models.TextChoices):
    VIOLATION = "violation", "违法行为"
    OFFICER = "officer", "执法人员的执法行为"
    AGENCY = "agency", "执法机关本身"


# About whom the supervising body (司法行政部门) must hear: officers' conduct and the agency.
FOR_SUPERVISOR = (Subject.OFFICER, Subject.AGENCY)


class Status(models.TextChoices):
    REGISTERED = "registered", "已登记"
    ACCEPTED = "accepted", "已受理"
    REFUSED = "refused", "不予受理"
    HANDLING = "handling", "办理中"
    REPLIED = "replied", "已答复"
    TRANSFERRED = "transferred", "已转办"


# Waiting for an acceptance decision (at the agency it was registered or transferred to).
AWAITING_DECISION = (Status.REGISTERED, Status.TRANSFERRED)
# Accepted and not yet answered.
IN_HAND = (Status.ACCEPTED, Status.HANDLING)
CLOSED = (Status.REFUSED, Status.REPLIED)


class Complaint(models.Model):
    code = models.CharField("跟踪码", max_length=CODE_LENGTH, unique=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name="承办执法主体"
    )
    kind = models.CharField("类别", max_length=16, choices=ComplaintKind.choices)
    subject = models.CharField("事项", max_length=16, choices=Subject.choices)
    category = models.ForeignKey(
        EnforcementCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="所属领域",
    )
    text = models.TextField("内容")
    name = models.CharField("姓名", max_length=50, blank=True)
    contact = models.CharField("联系方式", max_length=100, blank=True)
    for_supervisor = models.BooleanField(
        "报送监督机关",
        default=False,
        help_text="针对执法人员或执法机关本身的投诉举报，同时供上级行政执法监督机关查看",
    )
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.REGISTERED
    )
    registered_at = models.DateTimeField("登记时间")
    # The clock of the current agency: from registration, or from the 转办 that brought it here.
    received_on = models.DateField("本机关收到日期")
    accept_due = models.DateField("受理决定期限")
    accept_basis = models.CharField("受理期限依据", max_length=300)
    decided_on = models.DateField("受理决定日期", null=True, blank=True)
    reply_due = models.DateField("答复期限", null=True, blank=True)
    reply_basis = models.CharField("答复期限依据", max_length=300, blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True)
    # What the complainant reads: the refusal's reasons or the reply.
    answer = models.TextField("答复或不予受理理由", blank=True)
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="案源登记",
    )

    class Meta:
        verbose_name = "投诉举报"
        verbose_name_plural = "投诉举报"
        ordering = ["-registered_at", "-pk"]
        indexes = [models.Index(fields=["agency", "status"], name="complaint_agency_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code}"

    @property
    def ledger_agency_id(self) -> int:
        return self.agency_id

    @property
    def display_code(self) -> str:
        """ABCDEFGHJKMN as shown and printed: ABCD-EFGH-JKMN."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))

    @property
    def anonymous(self) -> bool:
        return not self.name and not self.contact

    @property
    def due(self) -> date | None:
        """The date the next step is due by (acceptance decision or reply), if any."""
        if self.status in AWAITING_DECISION:
            return self.accept_due
        if self.status in IN_HAND:
            return self.reply_due
        return None


class ComplaintStep(models.Model):
    """One step of a complaint's status history (append-only), with its ledger sequence."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="steps")
    from_status = models.CharField("原状态", max_length=16, blank=True)
    to_status = models.CharField("新状态", max_length=16, choices=Status.choices)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name="执法主体"
    )
    officer = models.ForeignKey(
        Officer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField("说明", blank=True)
    at = models.DateTimeField("时间")
    ledger_sequence = models.BigIntegerField("日志序号")

    class Meta:
        verbose_name = "投诉举报办理记录"
        verbose_name_plural = "投诉举报办理记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.complaint.code} → {self.get_to_status_display()}"


class Attachment(models.Model):
    """A file the complainant sent, its bytes in the evidence store (content-addressed)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="attachments")
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField("文件名", max_length=255)

    class Meta:
        verbose_name = "投诉举报附件"
        verbose_name_plural = "投诉举报附件"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.filename


class Stage(models.TextChoices):
    ACCEPT = "accept", "作出受理决定"
    REPLY = "reply", "答复"


class PeriodUnit(models.TextChoices):
    WORKDAYS = "workdays", "工作日"
    DAYS = "days", "日"


class DeadlineRule(models.Model):
    """A period for one stage of one kind of complaint (data/complaints/deadlines.csv).

    ``category_code`` (an 执法类别's code) empty: the default for every field without its own
    row. A code, not a foreign key, so that the shipped rows load before the categories do."""

    category_code = models.CharField(
        "执法类别代码", max_length=20, blank=True, help_text="留空表示其他领域通用"
    )
    kind = models.CharField("类别", max_length=16, choices=ComplaintKind.choices)
    stage = models.CharField("环节", max_length=16, choices=Stage.choices)
    days = models.PositiveSmallIntegerField("期限")
    unit = models.CharField("计算单位", max_length=16, choices=PeriodUnit.choices)
    basis = models.CharField("依据", max_length=300)

    class Meta:
        verbose_name = "投诉举报处理期限"
        verbose_name_plural = "投诉举报处理期限"
        ordering = ["category_code", "kind", "stage"]
        constraints = [
            models.UniqueConstraint(
                fields=["category_code", "kind", "stage"],
                name="complaint_rule_unique",
                violation_error_message="该领域、类别和环节已有期限规则。",
            ),
            models.CheckConstraint(
                condition=models.Q(days__gte=1),
                name="complaint_rule_positive",
                violation_error_message="期限至少为 1。",
            ),
        ]

    def __str__(self) -> str:
        field = self.category_code or "通用"
        return (
            f"{field} {self.get_kind_display()} {self.get_stage_display()}："
            f"{self.days}个{self.get_unit_display()}"
        )


class Outcome(models.TextChoices):
    REGISTERED = "registered", "已登记"
    LOOKUP_FAILED = "lookup_failed", "跟踪码不符"


class Submission(models.Model):
    """What the rate limits count: each complaint registered, each failed tracking lookup.

    Refused tries (too many, the honeypot, too fast) are logged, not stored: a flood writes
    nothing to the database.

    Addresses and sessions are kept as keyed hashes (HMAC with the installation's secret), so
    the table can count tries without holding the addresses themselves."""

    at = models.DateTimeField("时间", db_index=True)
    address_hash = models.CharField("来源地址（摘要）", max_length=64, db_index=True)
    session_hash = models.CharField("会话（摘要）", max_length=64, db_index=True)
    outcome = models.CharField("结果", max_length=16, choices=Outcome.choices)

    class Meta:
        verbose_name = "投诉举报提交记录"
        verbose_name_plural = "投诉举报提交记录"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_outcome_display()}"


class ComplaintReadAction(models.TextChoices):
    VIEW = "view", "查看投诉举报"
    DOWNLOAD = "download", "下载附件"


class ComplaintAccess(models.Model):
    """投诉举报调阅记录: an officer opened a complaint's office page or downloaded one of its
    attachments (who, when, what), like a case page's ``CaseAccess``: written once (append-only
    triggers), before anything is shown, with no ledger event (a read changes nothing). A
    refused read (out of scope) leaves no row."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="accesses")
    attachment = models.ForeignKey(
        Attachment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    actor = models.CharField("操作人", max_length=64)
    action = models.CharField("方式", max_length=16, choices=ComplaintReadAction.choices)
    accessed_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "投诉举报调阅记录"
        verbose_name_plural = "投诉举报调阅记录"
        ordering = ["-accessed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.actor} {self.action} complaint {self.complaint_id}"
