"""干预记录 (000 四(四)6): an officer's record of an attempt to interfere in a case.

Append-only (database triggers, like the ledger): a record is never edited or removed. It is
read by the 监督人员 of the bodies that supervise the case's agency and by the officer who wrote
it, never by the person recorded (when he is a user) nor by the agency's own 负责人
(``selectors.interferences_for``).
"""

from __future__ import annotations

from django.db import models

from sanxiang.org.models import Agency, Officer


class InterferenceManner(models.TextChoices):
    IN_PERSON = "in_person", "当面说情、打招呼"
    PHONE = "phone", "电话"
    MESSAGE = "message", "短信、微信等即时通信"
    WRITTEN = "written", "批条、函件等书面形式"
    THROUGH_OTHERS = "through_others", "托人转达"
    OTHER = "other", "其他方式"


class Interference(models.Model):
    """One attempt by anyone to interfere in a case, as the officer who met it recorded it."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name="案件"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name="案件所属执法主体"
    )
    recorded_by = models.ForeignKey(
        Officer, on_delete=models.PROTECT, related_name="+", verbose_name="记录人"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)
    intervener_name = models.CharField("干预人姓名", max_length=50)
    intervener_position = models.CharField("干预人单位及职务", max_length=200, blank=True)
    intervener = models.ForeignKey(
        Officer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="干预人（本平台用户）",
    )
    occurred_at = models.DateTimeField("干预时间")
    manner = models.CharField("干预方式", max_length=16, choices=InterferenceManner.choices)
    request = models.TextField("干预内容", help_text="要求或者请托的事项，尽量如实记录原话")
    response = models.TextField("处理情况", blank=True, help_text="如何回应，是否拒绝")
    evidence_reference = models.CharField(
        "证据编号",
        max_length=64,
        blank=True,
        help_text="如有录音、短信截图等，先在“证据与全过程记录”中存证，再填写其编号",
    )

    class Meta:
        verbose_name = "干预记录"
        verbose_name_plural = "干预记录"
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["agency", "-recorded_at"], name="interference_by_agency")]

    def __str__(self) -> str:
        return f"{self.intervener_name} 干预案件 {self.case_id}"

    @property
    def ledger_agency_id(self) -> int:
        return self.agency_id


# --- 三项制度工作指标体系 -----------------------------------------------------------------------


ATTEST = "attest"


class Indicator(models.Model):
    """One 三级指标 of the 170-item table (data/supervision/indicators.csv), with how it is
    scored: ``auto:<key>`` names its scorer in ``supervision.scorers``; ``attest`` is shown by
    the agency with an uploaded document and confirmed by the supervising body's 监督人员
    (``Attestation``); ``manual`` is scored by the 监督人员 with a note and an attachment."""

    number = models.PositiveSmallIntegerField("序号", unique=True)
    primary = models.CharField("一级指标", max_length=100)
    secondary = models.CharField("二级指标", max_length=100)
    requirement = models.TextField("工作要求")
    text = models.TextField("三级指标")
    points = models.DecimalField("分值", max_digits=4, decimal_places=1)
    scoring = models.CharField(
        "计分方式",
        max_length=40,
        help_text=(
            "auto:<计分规则> 由平台数据计分；attest 由执法主体上传材料、监督人员确认计分；"
            "manual 由监督人员评分并附说明和材料"
        ),
    )

    class Meta:
        verbose_name = "工作指标"
        verbose_name_plural = "工作指标"
        ordering = ["number"]

    def __str__(self) -> str:
        return f"（{self.number}）{self.text}"

    @property
    def auto_key(self) -> str | None:
        return self.scoring[5:] if self.scoring.startswith("auto:") else None

    @property
    def attested(self) -> bool:
        return self.scoring == ATTEST


class IndicatorScore(models.Model):
    """A score a 监督人员 gave one agency on one indicator for one year: a manual item's score,
    or an override of a computed one — always with a reason. Never edited: a later entry
    replaces the earlier one, and both stay."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name="工作指标"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name="被考核执法主体"
    )
    year = models.PositiveSmallIntegerField("年度")
    score = models.DecimalField("得分", max_digits=4, decimal_places=1)
    note = models.TextField("评分说明")
    attachment = models.ForeignKey(
        "evidence.Blob",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="佐证材料",
    )
    attachment_name = models.CharField("材料文件名", max_length=200, blank=True)
    scored_by = models.ForeignKey(
        Officer, on_delete=models.PROTECT, related_name="+", verbose_name="评分人"
    )
    scored_at = models.DateTimeField("评分时间")
    log_agency_id = models.IntegerField("记录所在日志")

    class Meta:
        verbose_name = "指标评分"
        verbose_name_plural = "指标评分"
        ordering = ["-scored_at", "-pk"]
        indexes = [
            models.Index(fields=["agency", "year", "indicator"], name="indicator_score_lookup")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year} （{self.indicator_id}） {self.score}"

    @property
    def ledger_agency_id(self) -> int:
        return self.log_agency_id


class Attestation(models.Model):
    """材料佐证: the agency shows that it meets an ``attest`` item for a year — the document (the
    rule, plan, list or system it adopted; the minutes …) in the evidence store and a short
    statement — filed by its 负责人. Append-only: the 监督人员's answer is an
    ``AttestationReview``; after a return the agency files anew and the newest filing counts."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name="工作指标"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name="执法主体"
    )
    year = models.PositiveSmallIntegerField("年度")
    statement = models.TextField("情况说明")
    document = models.ForeignKey(
        "evidence.Blob", on_delete=models.PROTECT, related_name="+", verbose_name="佐证材料"
    )
    document_name = models.CharField("材料文件名", max_length=200)
    filed_by = models.ForeignKey(
        Officer, on_delete=models.PROTECT, related_name="+", verbose_name="提交人"
    )
    filed_at = models.DateTimeField("提交时间")

    class Meta:
        verbose_name = "指标材料佐证"
        verbose_name_plural = "指标材料佐证"
        ordering = ["-filed_at", "-pk"]
        indexes = [models.Index(fields=["agency", "year", "indicator"], name="attestation_lookup")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year} （{self.indicator_id}） 材料"

    @property
    def ledger_agency_id(self) -> int:
        return self.agency_id


class AttestationOutcome(models.TextChoices):
    CONFIRMED = "confirmed", "已确认"
    RETURNED = "returned", "已退回"


class AttestationReview(models.Model):
    """The supervising body's 监督人员 confirms an attestation (full points, or a partial score
    with the reason) or returns it with the reason. One per attestation; never edited."""

    attestation = models.OneToOneField(
        Attestation, on_delete=models.PROTECT, related_name="review", verbose_name="材料佐证"
    )
    outcome = models.CharField("结果", max_length=12, choices=AttestationOutcome.choices)
    score = models.DecimalField("得分", max_digits=4, decimal_places=1, null=True, blank=True)
    reason = models.TextField("理由", blank=True)
    reviewed_by = models.ForeignKey(
        Officer, on_delete=models.PROTECT, related_name="+", verbose_name="确认人"
    )
    reviewed_at = models.DateTimeField("确认时间")
    log_agency_id = models.IntegerField("记录所在日志")

    class Meta:
        verbose_name = "指标材料确认"
        verbose_name_plural = "指标材料确认"
        ordering = ["-reviewed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.attestation_id} {self.outcome}"

    @property
    def ledger_agency_id(self) -> int:
        return self.log_agency_id


class AttestationAccess(models.Model):
    """A read of an attestation's document (who, when), like ``ComplaintAccess``: written once
    before the file is handed out; a refused read leaves no row."""

    attestation = models.ForeignKey(
        Attestation, on_delete=models.PROTECT, related_name="+", verbose_name="材料佐证"
    )
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    actor = models.CharField("操作人", max_length=64)
    accessed_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "指标材料调阅记录"
        verbose_name_plural = "指标材料调阅记录"
        ordering = ["-accessed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.actor} attestation {self.attestation_id}"


class Applicability(models.Model):
    """不适用: a 监督人员 marks an item not applicable to one agency for a year, or applicable
    again, always with the reason. Never edited: the newest row counts, the earlier stay. An
    item not applicable counts neither its points nor its score."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name="工作指标"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name="执法主体"
    )
    year = models.PositiveSmallIntegerField("年度")
    applicable = models.BooleanField("适用")
    reason = models.TextField("理由")
    marked_by = models.ForeignKey(
        Officer, on_delete=models.PROTECT, related_name="+", verbose_name="认定人"
    )
    marked_at = models.DateTimeField("认定时间")
    log_agency_id = models.IntegerField("记录所在日志")

    class Meta:
        verbose_name = "指标适用认定"
        verbose_name_plural = "指标适用认定"
        ordering = ["-marked_at", "-pk"]
        indexes = [
            models.Index(fields=["agency", "year", "indicator"], name="applicability_lookup")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year} （{self.indicator_id}） {self.applicable}"

    @property
    def ledger_agency_id(self) -> int:
        return self.log_agency_id


# 执法监督意见 / 责令纠正 live in their own module; imported here so Django registers them.
from sanxiang.supervision.opinions.models import (  # noqa: E402, F401
    Opinion,
    OpinionAttachment,
    OpinionBasis,
    OpinionFileAccess,
    OpinionStep,
)

# 报送 of the annual report and the self-assessment: their own module, registered here too.
from sanxiang.supervision.reporting_models import (  # noqa: E402, F401
    ReportingDeadline,
    Submission,
)
