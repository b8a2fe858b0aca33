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
    ceased_on = models.DateField(
        "废止或失效日期",
        null=True,
        blank=True,
        help_text="被废止、被新版本取代或失效之日；据此提示依据该法的公示信息在规定期限内调整",
    )
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
    functions = models.TextField(
        "单位职能", blank=True, help_text="依三定方案载明的主要职责，事前公开（执法主体）"
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
    address = models.CharField("办公地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    duties = models.TextField("岗位职责", blank=True, help_text="本机构及其执法人员的岗位职责")

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


class SupervisoryBody(models.Model):
    """行政执法监督机构 (the 司法行政部门 of a level, e.g. 示范市司法局): supervises the agencies
    of its area and, through its child bodies, those of the areas under it.

    Its 监督人员 are the officers of ``agency`` (the body itself, registered as an 执法主体 so that
    its staff have a unit and a log-in) who hold ``Role.SUPERVISOR``. They read every case of
    the agencies in ``supervised_agency_ids`` (``org.selectors``), never act on them.
    """

    name = models.CharField("名称", max_length=100, unique=True)
    level = models.CharField("层级", max_length=16, choices=AgencyLevel.choices)
    region = models.CharField("所辖行政区域", max_length=50)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上级监督机构",
    )
    agency = models.OneToOneField(
        Agency,
        on_delete=models.PROTECT,
        related_name="supervisory_body",
        verbose_name="本机关（执法主体登记）",
        help_text="监督机构本身作为执法主体登记的记录；其具有“监督人员”角色的人员为本机构监督人员",
    )
    agencies = models.ManyToManyField(
        Agency,
        blank=True,
        related_name="supervisors",
        verbose_name="监督的执法主体",
        help_text="本区域内直接监督的执法主体；下级监督机构所辖执法主体自动纳入",
    )

    class Meta:
        verbose_name = "行政执法监督机构"
        verbose_name_plural = "行政执法监督机构"
        ordering = ["level", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        seen = {self.pk}
        body = self.parent
        while body is not None:
            if body.pk in seen:
                raise ValidationError({"parent": "上级监督机构不能是本机构或其下级机构。"})
            seen.add(body.pk)
            body = body.parent

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
    password_must_change = models.BooleanField(
        "下次登录须修改密码",
        default=False,
        help_text="管理员重置密码后设置；本人修改密码后清除",
    )

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


# 事前公开: what an agency enforces and how a person can challenge it. These are master data an
# administrator edits (each edit a ledger event); the disclosure app publishes them as snapshots.


class PowerKind(models.TextChoices):
    """行政执法事项的类别 (权力类型), as 权责清单 usually divide them."""

    PENALTY = "penalty", "行政处罚"
    COERCIVE = "coercive", "行政强制"
    INSPECTION = "inspection", "行政检查"
    PERMIT = "permit", "行政许可"
    LEVY = "levy", "行政征收"
    CONFIRMATION = "confirmation", "行政确认"
    OTHER = "other", "其他行政权力"


class EnforcementItem(models.Model):
    """行政执法事项: one power of an agency with its basis articles (行政执法事项清单)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="items")
    code = models.CharField("事项编码", max_length=40)
    name = models.CharField("事项名称", max_length=200, help_text="与法律规定的名称保持一致")
    kind = models.CharField("事项类别", max_length=16, choices=PowerKind.choices)
    category = models.ForeignKey(
        EnforcementCategory, on_delete=models.PROTECT, related_name="+", verbose_name="执法类别"
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name="承办机构",
    )
    basis_articles = models.ManyToManyField(
        Article, verbose_name="依据法条", related_name="+", blank=True
    )
    basis_note = models.TextField(
        "其他依据", blank=True, help_text="法律法规库以外的依据，如规范性文件名称、文号、条款"
    )
    authority = models.CharField(
        "权限", max_length=300, help_text="例如：调查取证权、行政处罚决定权、查封扣押权"
    )
    duty = models.TextField("责任事项", blank=True)
    discretion_basis = models.TextField(
        "裁量依据", blank=True, help_text="涉及裁量权的，载明所适用的裁量基准及其条款"
    )
    is_active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "行政执法事项"
        verbose_name_plural = "行政执法事项清单"
        ordering = ["agency", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "code"],
                name="item_unique_code_in_agency",
                violation_error_message="本执法主体已有此事项编码。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def ledger_agency_id(self) -> int:
        return self.agency_id


class ServiceGuide(models.Model):
    """服务指南 of one 执法事项 (seed 004: 依据、受理机构、审批机构、条件、材料、流程、时限…)."""

    item = models.OneToOneField(
        EnforcementItem, on_delete=models.CASCADE, related_name="guide", verbose_name="执法事项"
    )
    accepting_body = models.CharField("受理机构", max_length=200)
    approving_body = models.CharField("审批机构", max_length=200)
    conditions = models.TextField("受理条件", help_text="严格依法确定，不增加或删改")
    materials = models.TextField("申请材料", blank=True)
    procedure = models.CharField(
        "办理流程",
        max_length=32,
        blank=True,
        help_text="执法流程图的代码（见执法流程图页面）；留空则按文字说明",
    )
    process_note = models.TextField("流程说明", blank=True)
    time_limit = models.CharField("办理时限", max_length=200)
    fees = models.CharField("收费", max_length=200, default="不收费")
    supervision = models.CharField("监督投诉", max_length=300)
    office_hours = models.CharField("办公时间", max_length=200)
    address = models.CharField("办公地址", max_length=200)
    phone = models.CharField("办公电话", max_length=40)

    class Meta:
        verbose_name = "服务指南"
        verbose_name_plural = "服务指南"
        ordering = ["item"]

    def __str__(self) -> str:
        return f"{self.item.name} 服务指南"

    @property
    def ledger_agency_id(self) -> int:
        return self.item.agency_id


class RandomCheckItem(models.Model):
    """随机抽查事项 (Shaanxi indicator (10): 事项、依据、对象、基数、比例、周期、方式、主体)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="random_checks")
    code = models.CharField("事项编码", max_length=40)
    name = models.CharField("抽查事项", max_length=200)
    basis_articles = models.ManyToManyField(
        Article, verbose_name="抽查依据", related_name="+", blank=True
    )
    basis_note = models.TextField("其他依据", blank=True)
    targets = models.CharField("抽查对象", max_length=300)
    population = models.PositiveIntegerField("抽查对象基数")
    ratio_percent = models.DecimalField("抽查比例（%）", max_digits=5, decimal_places=2)
    cycle = models.CharField("抽查周期", max_length=100, help_text="例如：每年一次、每季度一次")
    method = models.CharField("抽查方式", max_length=200, help_text="例如：现场检查、书面检查")
    content = models.TextField("抽查内容", blank=True)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="抽查主体（承办机构）",
    )
    is_active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "随机抽查事项"
        verbose_name_plural = "随机抽查事项清单"
        ordering = ["agency", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "code"],
                name="random_check_unique_code_in_agency",
                violation_error_message="本执法主体已有此抽查事项编码。",
            ),
            models.CheckConstraint(
                condition=Q(ratio_percent__gt=0) & Q(ratio_percent__lte=100),
                name="random_check_ratio_range",
                violation_error_message="抽查比例应大于 0 且不超过 100。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def ledger_agency_id(self) -> int:
        return self.agency_id


class RemedyKind(models.TextChoices):
    RECONSIDERATION = "reconsideration", "行政复议"
    LITIGATION = "litigation", "行政诉讼"


class RemedyChannel(models.Model):
    """救济渠道: where and within what time a party challenges the agency's decisions."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="remedies")
    kind = models.CharField("救济方式", max_length=16, choices=RemedyKind.choices)
    body = models.CharField("受理机关", max_length=200, help_text="复议机关或有管辖权的人民法院")
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    period = models.CharField("期限", max_length=200)
    basis = models.CharField("依据", max_length=300)
    how = models.TextField("方式", blank=True, help_text="如何申请或起诉，例如书面或口头、网上申请")

    class Meta:
        verbose_name = "救济渠道"
        verbose_name_plural = "救济渠道"
        ordering = ["agency", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "kind", "body"],
                name="remedy_unique_body",
                violation_error_message="本执法主体已登记此救济渠道。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.body}"

    @property
    def ledger_agency_id(self) -> int:
        return self.agency_id


class SigningKey(models.Model):
    """个人电子签名密钥: the public half of a key pair an officer made in his own browser.

    The private key is generated by the browser (WebCrypto Ed25519, not extractable) and never
    leaves it; the server keeps only the public key, so a signature on an approval shows that the
    holder of that browser key approved exactly the signed text — the server cannot make one.
    An officer has at most one active key; registering a new one (new device, lost key) revokes
    the old, whose past signatures still verify.
    """

    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="signing_keys")
    algorithm = models.CharField("算法", max_length=16, default="Ed25519")
    public_key = models.CharField("公钥（Base64）", max_length=64)
    key_id = models.CharField("密钥标识", max_length=64, unique=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    revoked_at = models.DateTimeField("停用时间", null=True, blank=True)

    class Meta:
        verbose_name = "电子签名密钥"
        verbose_name_plural = "电子签名密钥"
        ordering = ["officer", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["officer"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_signing_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.officer.name} {self.key_id[:16]}"

    @property
    def ledger_agency_id(self) -> int:
        return self.officer.ledger_agency_id


class TrainingKind(models.TextChoices):
    """培训类别, as the seeds name them (docs/operations/training.md cites each)."""

    SANXIANG = "sanxiang", "“三项制度”专题培训"
    PRE_POST = "pre_post", "岗前培训"
    ON_POST = "on_post", "岗位培训"
    REVIEW = "review", "法制审核业务培训"
    OTHER = "other", "其他培训"


class TrainingRecord(models.Model):
    """One officer's attendance of one course (培训记录), from an imported list; never edited:
    a wrong row is answered by a later import, and each import is a ledger event carrying the
    file's SHA-256."""

    officer = models.ForeignKey(
        Officer, on_delete=models.PROTECT, related_name="trainings", verbose_name="人员"
    )
    kind = models.CharField("培训类别", max_length=16, choices=TrainingKind.choices)
    course = models.CharField("培训名称", max_length=200)
    organiser = models.CharField("主办单位", max_length=200)
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期")
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1)
    file_sha256 = models.CharField("导入文件 SHA-256", max_length=64, editable=False)
    created_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        verbose_name = "培训记录"
        verbose_name_plural = "培训记录"
        ordering = ["-started_on", "officer__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["officer", "course", "started_on"],
                name="training_once_per_officer_course_start",
                violation_error_message="该人员的这次培训已登记。",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__gte=models.F("started_on")),
                name="training_ends_after_start",
                violation_error_message="结束日期不能早于开始日期。",
            ),
            models.CheckConstraint(
                condition=models.Q(hours__gt=0),
                name="training_hours_positive",
                violation_error_message="学时应大于 0。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer.name}：{self.course}（{self.hours} 学时）"

    @property
    def ledger_agency_id(self) -> int:
        return self.officer.ledger_agency_id


class ApiScope(models.TextChoices):
    """What a client system's token may do through the write API (docs/operations/api.md)."""

    PERMITS_WRITE = "permits:write", "报送行政许可决定"


class ApiToken(models.Model):
    """接口令牌: one client system of an agency (e.g. its 政务服务 platform) writing to the API.

    The token itself is shown once when it is made and is nowhere afterwards: the row keeps its
    first characters (``prefix``, to find the row) and the SHA-256 of the whole token (256
    random bits, so a plain hash cannot be guessed back). What the system writes belongs to
    ``agency``, whatever a request body says.
    """

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="api_tokens", verbose_name="执法主体"
    )
    name = models.CharField("接入系统", max_length=100)
    scopes = models.CharField("权限范围", max_length=200, help_text="以空格分隔")
    prefix = models.CharField("令牌前缀", max_length=16, unique=True)
    token_sha256 = models.CharField("令牌摘要（SHA-256）", max_length=64)
    created_by = models.CharField("创建人", max_length=40)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用时间", null=True, blank=True)
    revoked_at = models.DateTimeField("停用时间", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["agency", "-created_at"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @property
    def ledger_agency_id(self) -> int:
        return self.agency_id

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()


class ApiWrite(models.Model):
    """One write a token made, under the client's ``Idempotency-Key``: the same key again
    answers ``response`` again, byte for byte, instead of writing twice. Saved in the write's
    transaction, so a write and its key exist together or not at all; it is also the record of
    the token's use."""

    token = models.ForeignKey(
        ApiToken, on_delete=models.PROTECT, related_name="writes", verbose_name="接口令牌"
    )
    key = models.CharField("幂等键", max_length=200)
    operation = models.CharField("接口", max_length=60)
    request_sha256 = models.CharField("请求体摘要（SHA-256）", max_length=64)
    status = models.PositiveSmallIntegerField("应答状态", default=0)
    response = models.TextField("应答内容（JSON）", blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "接口写入记录"
        verbose_name_plural = "接口写入记录"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="one_write_per_idempotency_key")
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.key}"

    @property
    def ledger_agency_id(self) -> int:
        return self.token.agency_id


class ApiAuthFailure(models.Model):
    """A request to the write API refused for a missing, unknown or revoked token: counted per
    client address to slow down guessing (``SANXIANG_API_AUTH_FAILURE_LIMIT``)."""

    client_ip = models.CharField("来源地址", max_length=45)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "接口认证失败"
        verbose_name_plural = "接口认证失败"
        indexes = [models.Index(fields=["client_ip", "at"], name="api_auth_failure_by_ip")]

    def __str__(self) -> str:
        return f"{self.client_ip} {self.at:%Y-%m-%d %H:%M:%S}"
