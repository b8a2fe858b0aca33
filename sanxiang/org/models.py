"""执法主体, 内设机构, 执法人员 and their 执法证, roles, and the 法律法规库."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from sanxiang.core.identifiers import validate_credit_code


class AgencyLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    MUNICIPAL = "municipal", "市级"
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡镇级"


class LawKind(models.TextChoices):
    LAW = "law", "法律"
    ADMINISTRATIVE_REGULATION = "admin_regulation", "行政法规"
    LOCAL_REGULATION = "local_regulation", "地方性法规"
    DEPARTMENTAL_RULE = "departmental_rule", "部门规章"
    LOCAL_RULE = "local_rule", "地方政府规章"
    NORMATIVE_DOCUMENT = "normative_document", "规范性文件"


class Law(models.Model):
    """A law, regulation or rule in the 法律法规库, cited article by article."""

    title = models.CharField("名称", max_length=200)
    kind = models.CharField("效力位阶", max_length=32, choices=LawKind.choices)
    issuer = models.CharField("制定机关", max_length=100)
    promulgated_on = models.DateField("公布（修订）日期")
    effective_on = models.DateField("施行日期")
    is_in_force = models.BooleanField("现行有效", default=True)
    source = models.CharField("文本来源", max_length=300)

    class Meta:
        verbose_name = "法律法规"
        verbose_name_plural = "法律法规库"
        ordering = ["title", "-effective_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["title", "effective_on"],
                name="law_unique_title_version",
                violation_error_message="同名、同一施行日期的法律法规已存在。",
            )
        ]

    def __str__(self) -> str:
        return f"《{self.title}》（{self.effective_on:%Y年%m月%d日}施行）"


class Article(models.Model):
    """One article (条) of a law; rules elsewhere cite it by id."""

    law = models.ForeignKey(Law, on_delete=models.PROTECT, related_name="articles")
    number = models.PositiveIntegerField("条号")
    label = models.CharField("条文序号", max_length=20, help_text="例如：第四十二条")
    chapter = models.CharField("所在章节", max_length=100, blank=True)
    text = models.TextField("条文")

    class Meta:
        verbose_name = "法条"
        verbose_name_plural = "法条"
        ordering = ["law", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["law", "number"],
                name="article_unique_number",
                violation_error_message="该法律法规已有此条号。",
            )
        ]

    def __str__(self) -> str:
        return f"《{self.law.title}》{self.label}"


class Agency(models.Model):
    """执法主体: an administrative body that holds enforcement authority in its own name."""

    name = models.CharField("名称", max_length=100, unique=True)
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, unique=True, validators=[validate_credit_code]
    )
    level = models.CharField("层级", max_length=16, choices=AgencyLevel.choices)
    region = models.CharField("所属行政区域", max_length=50)
    address = models.CharField("办公地址", max_length=200)
    phone = models.CharField("联系电话", max_length=40)
    authority_basis = models.TextField(
        "执法主体资格依据", help_text="设立和授权的依据，例如机构编制文件、法律法规授权条款"
    )
    authority_articles = models.ManyToManyField(
        Article, verbose_name="依据法条", blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "执法主体"
        verbose_name_plural = "执法主体"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def ledger_agency_id(self) -> int:
        return self.pk


class Unit(models.Model):
    """内设机构: a division of an agency (e.g. 法制科, 执法一大队)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="units")
    name = models.CharField("名称", max_length=100)
    is_legal_review_body = models.BooleanField(
        "法制审核机构", default=False, help_text="本机构承担重大执法决定法制审核"
    )

    class Meta:
        verbose_name = "内设机构"
        verbose_name_plural = "内设机构"
        ordering = ["agency", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "name"],
                name="unit_unique_name_in_agency",
                violation_error_message="本执法主体已有同名内设机构。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency.name} {self.name}"

    @property
    def ledger_agency_id(self) -> int:
        return self.agency_id


class EnforcementCategory(models.Model):
    """执法类别 (field of enforcement) that a certificate covers; loaded from data/."""

    code = models.CharField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=50, unique=True)

    class Meta:
        verbose_name = "执法类别"
        verbose_name_plural = "执法类别"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Role(models.TextChoices):
    """What a person may do; a 法制审核人员 never handles a case (办、审分离)."""

    OFFICER = "officer", "执法人员"
    REVIEWER = "reviewer", "法制审核人员"
    HEAD = "head", "负责人"
    LEGAL_ADVISER = "legal_adviser", "法律顾问"
    SUPERVISOR = "supervisor", "监督人员"
    ADMINISTRATOR = "administrator", "系统管理员"


class Officer(models.Model):
    """执法人员: a person of an agency; log-in, certificates and roles hang off it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officer",
        verbose_name="登录账号",
    )
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="officers", verbose_name="内设机构"
    )
    post = models.CharField("职务", max_length=50, blank=True)
    has_legal_qualification = models.BooleanField(
        "具有法律职业资格",
        default=False,
        help_text="通过国家统一法律职业资格考试（行政处罚法第五十八条）",
    )
    is_active = models.BooleanField("在岗", default=True)

    class Meta:
        verbose_name = "执法人员"
        verbose_name_plural = "执法人员"
        ordering = ["unit__agency__name", "unit__name", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit.agency.name}）"

    @property
    def agency(self) -> Agency:
        return self.unit.agency

    @property
    def ledger_agency_id(self) -> int:
        return self.unit.agency_id

    @property
    def ledger_actor(self) -> str:
        """Who acted, as a ledger leaf names him: the log-in, or the officer record."""
        return f"user:{self.user_id}" if self.user_id else f"officer:{self.pk}"

    def has_role(self, role: str) -> bool:
        """Whether the officer holds ``role`` (uses prefetched roles when present)."""
        return any(assignment.role == role for assignment in self.roles.all())

    def certificate_valid_on(self, day: date) -> Certificate | None:
        """A certificate that authorises enforcement on ``day``, if the officer holds one."""
        for certificate in self.certificates.all():
            if certificate.status_on(day) == CertificateStatus.VALID:
                return certificate
        return None


class RoleAssignment(models.Model):
    """One role held by one officer."""

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField("角色", max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        constraints = [
            models.UniqueConstraint(
                fields=["officer", "role"],
                name="role_assigned_once",
                violation_error_message="该人员已有此角色。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.officer.name}：{self.get_role_display()}"

    @property
    def ledger_agency_id(self) -> int:
        return self.officer.ledger_agency_id


class CertificateStatus(models.TextChoices):
    VALID = "valid", "有效"
    NOT_YET_VALID = "not_yet_valid", "尚未生效"
    EXPIRED = "expired", "已过期"
    REVOKED = "revoked", "已注销"


class Certificate(models.Model):
    """执法证: the certificate an officer shows (行政处罚法第五十五条); renewals are new rows."""

    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="certificates")
    number = models.CharField("执法证号", max_length=32, unique=True)
    categories = models.ManyToManyField(
        EnforcementCategory, verbose_name="执法类别", related_name="certificates"
    )
    region = models.CharField("执法区域", max_length=100)
    valid_from = models.DateField("有效期起")
    valid_until = models.DateField("有效期止")
    revoked_on = models.DateField("注销日期", null=True, blank=True)
    revoke_reason = models.CharField("注销原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "执法证"
        verbose_name_plural = "执法证"
        ordering = ["officer", "-valid_until"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="certificate_valid_until_after_from",
                violation_error_message="执法证有效期止不能早于有效期起。",
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def ledger_agency_id(self) -> int:
        return self.officer.ledger_agency_id

    def status_on(self, day: date) -> CertificateStatus:
        """Whether the certificate authorises enforcement on ``day``."""
        if self.revoked_on is not None and self.revoked_on <= day:
            return CertificateStatus.REVOKED
        if day < self.valid_from:
            return CertificateStatus.NOT_YET_VALID
        if day > self.valid_until:
            return CertificateStatus.EXPIRED
        return CertificateStatus.VALID
