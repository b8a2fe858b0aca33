"""行政许可 and the other acts the seeds name (征收征用, 确认, 给付, 裁决, 其他), as records.

Most permits are decided in the 政务服务 platform; this app records the decision (form, import,
or the systems that make them) so that it is published (双公示), counted and supervised. A
record is never edited: a 变更, 延续, 撤销 or 注销 is a new record of its own kind; a 撤销 or
注销 names the original, whose public standing (``standing``) it changes with a ledger event.
"""

from __future__ import annotations

from django.db import models

from sanxiang.org.models import Agency, Officer


class PermitDecision(models.TextChoices):
    GRANT = "grant", "准予许可"
    REFUSAL = "refusal", "不予许可"
    CHANGE = "change", "变更许可"
    EXTENSION = "extension", "延续许可"
    REVOCATION = "revocation", "撤销许可"
    CANCELLATION = "cancellation", "注销许可"


# The decisions that end an earlier permit: they must name it, and it is marked so.
ENDING = {PermitDecision.REVOCATION: "revoked", PermitDecision.CANCELLATION: "cancelled"}


class PermitCategory(models.TextChoices):
    """许可类别 of the national 双公示 行政许可信息数据标准."""

    ORDINARY = "普通", "普通"
    FRANCHISE = "特许", "特许"
    ACCREDITATION = "认可", "认可"
    APPROVAL = "核准", "核准"
    REGISTRATION = "登记", "登记"
    OTHER = "其他", "其他"


class PartyType(models.TextChoices):
    """行政相对人类别."""

    ORGANISATION = "法人及非法人组织", "法人及非法人组织"
    PERSON = "自然人", "自然人"
    SOLE_TRADER = "个体工商户", "个体工商户"


class Standing(models.TextChoices):
    """What the public is told about the permit now."""

    VALID = "", "有效"  # filled once (撤销 or 注销): the table's trigger allows nothing else
    REVOKED = "revoked", "已撤销"
    CANCELLED = "cancelled", "已注销"


class Permit(models.Model):
    """One 行政许可 decision with the 双公示 fields, as recorded; never edited."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField("决定类型", max_length=16, choices=PermitDecision.choices)
    original = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followers",
        verbose_name="原许可",
    )
    party_name = models.CharField("行政相对人名称", max_length=200)
    party_type = models.CharField("行政相对人类别", max_length=16, choices=PartyType.choices)
    party_credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    party_ref = models.CharField("自然人假名化标识", max_length=64, blank=True)
    legal_representative = models.CharField("法定代表人", max_length=100, blank=True)
    decision_number = models.CharField("许可决定文书号", max_length=64)
    decision_title = models.CharField("许可决定文书名称", max_length=200)
    category = models.CharField("许可类别", max_length=8, choices=PermitCategory.choices)
    licence_name = models.CharField("许可证书名称", max_length=200, blank=True)
    licence_number = models.CharField("许可证书编号", max_length=64, blank=True)
    content = models.TextField("许可内容", max_length=4000)
    decided_on = models.DateField("许可决定日期", db_index=True)
    valid_from = models.DateField("有效期自")
    valid_until = models.DateField("有效期至", null=True, blank=True)
    authority_name = models.CharField("许可机关", max_length=200)
    authority_credit_code = models.CharField("许可机关统一社会信用代码", max_length=18)
    source_unit = models.CharField("数据来源单位", max_length=200)
    remarks = models.CharField("备注", max_length=500, blank=True)
    standing = models.CharField(
        "许可状态", max_length=16, choices=Standing.choices, default=Standing.VALID, blank=True
    )
    source = models.CharField("录入方式", max_length=100)
    recorded_by = models.ForeignKey(
        Officer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "行政许可"
        verbose_name_plural = "行政许可"
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "decision_number"],
                name="permit_number_once_per_agency",
                violation_error_message="本机关已有该许可决定文书号。",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="permit_valid_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision_number} {self.get_decision_display()}"

    @property
    def ledger_agency_id(self) -> int:
        return self.agency_id


class OtherActKind(models.TextChoices):
    EXPROPRIATION = "expropriation", "行政征收征用"
    CONFIRMATION = "confirmation", "行政确认"
    BENEFIT = "benefit", "行政给付"
    ADJUDICATION = "adjudication", "行政裁决"
    OTHER = "other", "其他行政行为"


class ActField(models.Model):
    """A field one kind of act records besides the common ones (data/acts/fields.csv), edited
    in 管理后台: the code reads these rows, so a new field is a row, not a migration."""

    kind = models.CharField("行为类别", max_length=16, choices=OtherActKind.choices)
    key = models.CharField("字段", max_length=32)
    position = models.PositiveSmallIntegerField("顺序")
    label = models.CharField("名称", max_length=64)
    required = models.BooleanField("必填", default=False)
    max_length = models.PositiveSmallIntegerField("最大长度", default=200)
    public = models.BooleanField("公示", default=True)
    basis = models.CharField("依据", max_length=300)

    class Meta:
        verbose_name = "其他行政行为字段"
        verbose_name_plural = "其他行政行为字段"
        ordering = ["kind", "position", "key"]
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="act_field_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.label}"


class OtherAct(models.Model):
    """One decision of another kind of act, with its declared extra fields; never edited."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("行为类别", max_length=16, choices=OtherActKind.choices)
    party_name = models.CharField("行政相对人名称", max_length=200)
    party_type = models.CharField("行政相对人类别", max_length=16, choices=PartyType.choices)
    party_credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    decision_number = models.CharField("决定文书号", max_length=64)
    title = models.CharField("决定名称", max_length=200)
    content = models.TextField("决定内容", max_length=4000)
    decided_on = models.DateField("决定日期", db_index=True)
    extra = models.JSONField("其他字段", default=dict)
    source = models.CharField("录入方式", max_length=100)
    recorded_by = models.ForeignKey(
        Officer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "其他行政行为"
        verbose_name_plural = "其他行政行为"
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "kind", "decision_number"],
                name="other_act_number_once_per_agency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.decision_number} {self.get_kind_display()}"

    @property
    def ledger_agency_id(self) -> int:
        return self.agency_id
