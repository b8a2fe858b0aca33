"""Cases (案件), their parties (当事人) and handling officers, and gap-free case numbers.

A case's ``state`` is written only by ``services.case_transition``, following the procedure
declared in ``cases/workflow`` (DESIGN.md rule 2); each step and edit is a ledger event and a
row of its history (``StepTaken``). Due dates are stored when a step starts, so deadline
queries are index lookups.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from sanxiang.cases.access import CaseQuerySet
from sanxiang.core.money import money_constraint, money_validators
from sanxiang.org.models import Agency, Article, EnforcementCategory, Officer, Unit


class Procedure(models.TextChoices):
    PENALTY_GENERAL = "penalty_general", "行政处罚一般程序"
    PENALTY_SIMPLE = "penalty_simple", "行政处罚简易程序（当场处罚）"
    COERCIVE_MEASURE = "coercive_measure", "行政强制措施（查封、扣押）"
    INSPECTION = "inspection", "行政检查"


class PenaltyKind(models.TextChoices):
    """行政处罚的种类 (行政处罚法第九条)."""

    WARNING = "warning", "警告"
    PUBLIC_CRITICISM = "public_criticism", "通报批评"
    FINE = "fine", "罚款"
    CONFISCATE_GAINS = "confiscate_gains", "没收违法所得"
    CONFISCATE_PROPERTY = "confiscate_property", "没收非法财物"
    SUSPEND_LICENCE = "suspend_licence", "暂扣许可证件"
    DOWNGRADE = "downgrade", "降低资质等级"
    REVOKE_LICENCE = "revoke_licence", "吊销许可证件"
    LIMIT_BUSINESS = "limit_business", "限制开展生产经营活动"
    SUSPEND_BUSINESS = "suspend_business", "责令停产停业"
    CLOSE_DOWN = "close_down", "责令关闭"
    LIMIT_PRACTICE = "limit_practice", "限制从业"
    OTHER = "other", "法律、行政法规规定的其他行政处罚"


class ReviewFlag(models.TextChoices):
    """What makes a decision 重大 (行政处罚法第五十八条第一款), set on the case by its handlers."""

    PUBLIC_INTEREST = "public_interest", "涉及重大公共利益"
    SOCIAL_RISK = "social_risk", "可能造成重大社会影响或者引发社会风险"
    MAJOR_RIGHTS = "major_rights", "直接关系当事人或者第三人重大权益"
    COMPLEX = "complex", "案件情况疑难复杂、涉及多个法律关系"


class PartyKind(models.TextChoices):
    PERSON = "person", "自然人"
    ORGANISATION = "organisation", "法人或其他组织"


def provisional_reference(case_id: int) -> str:
    """The 案件编号 a case's evidence is filed under before it has a number (立案)."""
    return f"未编号案件-{case_id}"


def evidence_reference(case: Case) -> str:
    """The 案件编号 the case's evidence is filed under: its number, or a provisional one."""
    return case.number or provisional_reference(case.pk)


class Case(models.Model):
    """One enforcement case, from 案源登记 to 归档."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name="承办机构"
    )
    procedure = models.CharField("程序", max_length=32, choices=Procedure.choices)
    state = models.CharField("状态", max_length=32, db_index=True)
    number = models.CharField("案件编号", max_length=64, unique=True, null=True, blank=True)
    title = models.CharField("案由", max_length=200)
    source = models.CharField("案件来源", max_length=100)
    facts = models.TextField("违法事实", blank=True)
    category = models.ForeignKey(
        EnforcementCategory, on_delete=models.PROTECT, related_name="+", verbose_name="执法类别"
    )
    violation_on = models.DateField("违法行为发生日")
    violation_ended_on = models.DateField(
        "违法行为终了日",
        null=True,
        blank=True,
        help_text="违法行为有连续或者继续状态的，填写终了之日",
    )
    violation_place = models.CharField(
        "违法行为地点",
        max_length=200,
        blank=True,
        help_text="文书中“违法地点”据此填写；行政检查为检查地点",
    )
    handlers_drawn = models.BooleanField(
        "承办人经双随机抽取",
        default=False,
        help_text="检查组由双随机抽取确定：可以增加承办人，不能换下抽中的人",
    )
    endangers_life_health_or_finance = models.BooleanField(
        "涉及公民生命健康安全或金融安全", default=False
    )
    caused_harm = models.BooleanField("有危害后果", default=False)
    penalty_kinds = models.JSONField(
        "拟作出的处罚种类", default=list, blank=True, help_text="行政处罚法第九条所列种类的代码"
    )
    amount_involved_yuan = models.DecimalField(
        "涉案金额（元）", max_digits=16, decimal_places=2, null=True, blank=True,
        validators=money_validators(16),
    )  # fmt: skip
    review_flags = models.JSONField(
        "重大执法决定情形",
        default=list,
        blank=True,
        help_text="行政处罚法第五十八条第一款所列情形；法制审核目录清单据此判定是否须经审核",
    )
    hearing_right = models.BooleanField(
        "拟作出的处罚属于听证范围",
        default=False,
        help_text="较大数额罚款、没收较大数额违法所得、降低资质等级、吊销许可证件、责令停产停业等（行政处罚法第六十三条）",
    )
    complex_or_major = models.BooleanField(
        "情节复杂或者重大违法行为",
        default=False,
        help_text="须经负责人集体讨论决定（行政处罚法第五十七条）",
    )
    fine_yuan = models.DecimalField(
        "罚款金额（元）", max_digits=14, decimal_places=2, null=True, blank=True,
        validators=money_validators(),
    )  # fmt: skip
    warning_only = models.BooleanField("仅警告", default=False)
    handlers = models.ManyToManyField(Officer, related_name="handled_cases", verbose_name="承办人")
    # 行政处罚法第五十九条第一款第二、三项: the rules violated and the rules the penalty applies,
    # cited on the documents as 《法律名称》第X条.
    violated_articles = models.ManyToManyField(
        Article, related_name="+", blank=True, verbose_name="违法依据"
    )
    penalty_articles = models.ManyToManyField(
        Article,
        related_name="+",
        blank=True,
        verbose_name="处罚依据",
        help_text="查封、扣押案件填写实施查封、扣押的依据",
    )
    # The 违法行为 chosen from the agency's 裁量基准: its version is the one the case is decided
    # under (a version in force never changes; discretion/models.py).
    discretion_violation = models.ForeignKey(
        "discretion.Violation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="裁量基准中的违法行为",
    )
    # Why the proposed fine lies outside the tier the recorded circumstances point to
    # (discretion/applicable.py); required then, shown to the legal reviewer (裁量是否适当).
    discretion_reasons = models.TextField("超出适用阶次的理由", blank=True, default="")
    clue_received_on = models.DateField("收到线索日期")
    registered_on = models.DateField("立案日期", null=True, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decision_due_on = models.DateField("决定期限", null=True, blank=True, db_index=True)
    notified_on = models.DateField("事先告知日期", null=True, blank=True)
    statement_closed_on = models.DateField(
        "陈述申辩结束日期",
        null=True,
        blank=True,
        help_text="当事人已陈述、申辩（或听证），或者明确放弃的日期",
    )
    served_on = models.DateField("送达日期", null=True, blank=True)
    payment_due_on = models.DateField(
        "罚款缴纳期限",
        null=True,
        blank=True,
        help_text="收到决定书之日起十五日（行政处罚法第六十七条）",
    )
    demand_served_on = models.DateField(
        "催告书送达日期",
        null=True,
        blank=True,
        help_text="行政强制法第五十四条：催告书送达十日后当事人仍未履行的，可以申请人民法院强制执行",
    )
    measure_taken_at = models.DateTimeField("查封扣押实施时间", null=True, blank=True)
    measure_due_on = models.DateField(
        "查封扣押期限", null=True, blank=True, help_text="行政强制法第二十五条：三十日，可延长一次"
    )
    step_due_on = models.DateField("当前环节期限", null=True, blank=True, db_index=True)
    step_due_basis = models.CharField("当前环节期限依据", max_length=200, blank=True)
    origin = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name="源自",
        help_text="由行政检查发现而立案的，指向该检查",
    )
    # Facts of the steps taken, set by the step (``cases.facts``) and checked by ``ledger verify``
    # against the step's event; read here, never looked up in the ledger.
    hearing_held_on = models.DateField("听证举行日期", null=True, blank=True)
    registered_by = models.ForeignKey(
        Officer, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="批准立案的负责人",
    )  # fmt: skip
    closed_by = models.ForeignKey(
        Officer, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="批准结案的负责人",
    )  # fmt: skip
    created_by = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # ``Case.objects.visible_to(actor, action)``: the access rules live in ``cases/access.py``.
    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "案件"
        verbose_name_plural = "案件"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["agency", "state"], name="case_agency_state"),
            # 我的案件 lists by due date within an agency (负责人) or a unit (officers).
            models.Index(fields=["agency", "step_due_on"], name="case_agency_due"),
            models.Index(fields=["unit", "step_due_on"], name="case_unit_due"),
            # The 工作台's 期限 counts of a 承办人's cases (overdue, due within 3 working days)
            # and the navigation's overdue count: read from the index alone on PostgreSQL,
            # joined to his handler rows, instead of a table page per case (at 100k cases
            # 11 → 5 ms a desk). Only open steps have a due date. SQLite keeps the plain
            # partial index.
            models.Index(
                fields=["step_due_on"],
                include=["state", "id"],
                condition=models.Q(step_due_on__isnull=False),
                name="case_due_covering",
            ),
        ]
        # An amount the column cannot hold would fail every page that reads the case.
        constraints = [
            money_constraint("fine_yuan", name="case_fine_in_range"),
            money_constraint("amount_involved_yuan", max_digits=16, name="case_amount_in_range"),
        ]

    def __str__(self) -> str:
        return self.number or f"（未编号）{self.title}"

    @property
    def limitation_starts_on(self) -> date:
        """行政处罚法第三十六条: from the act, or from its end if it continued."""
        return self.violation_ended_on or self.violation_on


class Party(models.Model):
    """当事人 of a case: a person (身份证号码) or an organisation (统一社会信用代码)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="parties")
    kind = models.CharField("类型", max_length=16, choices=PartyKind.choices)
    name = models.CharField("姓名或名称", max_length=200)
    identifier = models.CharField("身份证号码或统一社会信用代码", max_length=32)
    address = models.CharField("住所或地址", max_length=200)
    contact = models.CharField("联系方式", max_length=50, blank=True)

    class Meta:
        verbose_name = "当事人"
        verbose_name_plural = "当事人"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "identifier"],
                name="party_once_per_case",
                violation_error_message="该当事人已登记在本案中。",
            )
        ]

    def __str__(self) -> str:
        return self.name


class NumberSeries(models.Model):
    """The last number used, per agency, year and kind of number: numbers never skip."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind", "year"], name="number_series_once")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.kind}/{self.year}: {self.last}"


class NumberingRule(models.Model):
    """How an agency writes a kind of number, e.g. 示城执罚〔2026〕12号 (GB/T 9704 文号 form)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(
        "编号种类", max_length=32, help_text="penalty（立案）或 on_spot（当场处罚决定书）"
    )
    prefix = models.CharField(
        "机关代字",
        max_length=20,
        unique=True,
        help_text="例如：示城执罚；各执法主体、各种编号的机关代字不得相同，以免文号重复",
    )

    class Meta:
        verbose_name = "编号规则"
        verbose_name_plural = "编号规则"
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind"], name="numbering_rule_once")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}〔年份〕序号号"

    @property
    def ledger_agency_id(self) -> int:
        return self.agency_id


class CaseDocument(models.Model):
    """One generated version of a document (文书): hashes of its Word and PDF forms, stored
    content-addressed, and the code its QR links to. Versions are never overwritten.

    The Word form is made in the request; the PDF (LibreOffice, seconds) afterwards, by a
    background converter or by whoever first needs it (``document_pdf_ensure``), each its own
    ledger event. ``pdf_sha256`` is empty until then."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField("文书种类", max_length=32)
    version = models.PositiveIntegerField("版本")
    docx_sha256 = models.CharField(max_length=64)
    pdf_sha256 = models.CharField(max_length=64, blank=True, default="")
    verification_code = models.CharField("核验码", max_length=16, unique=True)
    # What the officer typed when generating (问答、听证陈述、查封财物、送达方式 …), validated
    # per kind; with the case it makes the version reproducible. Hashed into the ledger.
    fields = models.JSONField("填写内容", default=dict, blank=True)
    # The case snapshot it was rendered from (``case_snapshot_sha256``): asked again with the
    # same inputs on the same case, ``document_generate`` returns this version instead of
    # making another with a new 核验码. Empty for versions made before the column.
    case_snapshot_sha256 = models.CharField("生成时案件摘要", max_length=64, blank=True, default="")
    created_by = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "案件文书"
        verbose_name_plural = "案件文书"
        ordering = ["case", "kind", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "version"], name="document_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.kind} v{self.version}"


def documents_of(case: Case, kind: str) -> list[CaseDocument]:
    """The case's versions of ``kind``, the latest first: from the rows the case page loaded
    (``case_page_prefetch``, which the 工作台 also uses for its candidates) when it did, so that
    guards asked of many cases do not query each; else from the database."""
    loaded = getattr(case, "_prefetched_objects_cache", {}).get("documents")
    if loaded is None:
        return list(CaseDocument.objects.filter(case=case, kind=kind).order_by("-version"))
    return sorted((d for d in loaded if d.kind == kind), key=lambda d: -d.version)


class CaseCircumstance(models.Model):
    """A 裁量情节 of the case's 违法行为 that the handlers found to apply, with what shows it:
    registered evidence of the case and/or its documents (笔录 …), and a short note."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="circumstances")
    circumstance = models.ForeignKey(
        "discretion.Circumstance", on_delete=models.PROTECT, related_name="+", verbose_name="情节"
    )
    evidence = models.ManyToManyField(
        "evidence.EvidenceItem", related_name="+", blank=True, verbose_name="证据"
    )
    documents = models.ManyToManyField(
        CaseDocument, related_name="+", blank=True, verbose_name="文书（笔录）"
    )
    note = models.CharField("说明", max_length=300, blank=True)
    set_by = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "案件裁量情节"
        verbose_name_plural = "案件裁量情节"
        ordering = ["case", "circumstance__kind", "circumstance__position", "circumstance_id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "circumstance"], name="case_circumstance_once")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.circumstance_id}"


class CaseRules(models.Model):
    """Rule parameters an agency sets for its own cases, with their defaults."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="+")
    extension_days = models.PositiveSmallIntegerField(
        "每次延长办案期限不超过（日）",
        default=30,
        help_text="行政处罚法第六十条：法律、法规、规章对办案期限另有规定的，从其规定",
    )
    extensions_by_head = models.PositiveSmallIntegerField(
        "负责人可批准延长的次数",
        default=1,
        help_text="超过此次数的延长须经负责人集体讨论决定",
    )
    statement_days = models.PositiveSmallIntegerField(
        "陈述、申辩期限（工作日）",
        default=5,
        help_text="自事先告知之日起；行政处罚法第四十四条、第四十五条未规定期限，由本机关规定",
    )
    extension_basis = models.CharField(
        "延长办案期限的依据",
        max_length=300,
        default="行政处罚法第六十条；本机关适用的规章关于办案期限的规定",
    )
    approvals_signed = models.BooleanField(
        "负责人审批须电子签名",
        default=False,
        help_text="开启后，立案、决定、批准等负责人审批环节须用本人登记的电子签名密钥签名",
    )

    class Meta:
        verbose_name = "办案规则"
        verbose_name_plural = "办案规则"

    def __str__(self) -> str:
        return f"{self.agency} 办案规则"

    @property
    def ledger_agency_id(self) -> int:
        return self.agency_id


class DecisionExtension(models.Model):
    """延长办案期限: approved by a 负责人 (or by collective discussion), never edited."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="extensions")
    days = models.PositiveSmallIntegerField("延长日数")
    reason = models.TextField("理由")
    collective = models.BooleanField("经负责人集体讨论决定", default=False)
    previous_due_on = models.DateField("原期限")
    new_due_on = models.DateField("延长后期限")
    approved_by = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "延长办案期限"
        verbose_name_plural = "延长办案期限"
        ordering = ["case", "created_at"]

    def __str__(self) -> str:
        return f"{self.case} 延长至 {self.new_due_on}"


class PartyQueryCode(models.Model):
    """查询码: what a party types, with the case number, to see his case on the portal.

    Printed on the documents handed to the party, so it is kept in plain text: a document can
    be (re)generated at any time and must print the code then, and a hash would only allow a
    new code per document, each invalidating the ones on the papers the party already holds.
    Deriving it from ``SECRET_KEY`` instead would tie every printed code to a key that may
    have to be rotated. Holding it is no greater exposure than the rest of the row: whoever can
    read this table can read the case itself. It never reaches the ledger (events carry no
    hash of it either, as 50 bits could be searched), the logs or any public page; officers
    with the case in scope see it on the case page. A re-issue revokes the current code and
    keeps the row, so a later publication can still strip an old code from a document's text.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="party_codes")
    code = models.CharField("查询码", max_length=16)
    issued_at = models.DateTimeField("签发时间", auto_now_add=True)
    issued_by = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField("作废时间", null=True, blank=True)

    class Meta:
        verbose_name = "当事人查询码"
        verbose_name_plural = "当事人查询码"
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(revoked_at__isnull=True),
                name="party_code_one_current",
                violation_error_message="本案已有有效的查询码。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} 查询码（{'已作废' if self.revoked_at else '有效'}）"


class QueryOutcome(models.TextChoices):
    SUCCEEDED = "succeeded", "查询成功"
    FAILED = "failed", "案件编号或查询码不正确"
    THROTTLED = "throttled", "失败次数过多，拒绝查询"


class PartyQueryAttempt(models.Model):
    """One try at 当事人查询 on the portal. Failures within the last hour, counted per typed case
    number and per client address, decide whether the next try is refused (so every server
    process agrees), unless an administrator cleared them (``cleared_at``). The typed code is
    never stored."""

    at = models.DateTimeField("时间", auto_now_add=True)
    client_ip = models.CharField("来源地址", max_length=45)
    case_number = models.CharField("输入的案件编号", max_length=64)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField("结果", max_length=16, choices=QueryOutcome.choices)
    cleared_at = models.DateTimeField(
        "限制解除时间",
        null=True,
        blank=True,
        help_text="管理员解除查询限制后，这次失败不再计入次数限制",
    )

    class Meta:
        verbose_name = "当事人查询记录"
        verbose_name_plural = "当事人查询记录"
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["case_number", "outcome", "at"], name="party_query_by_number"),
            models.Index(fields=["client_ip", "outcome", "at"], name="party_query_by_ip"),
        ]

    def __str__(self) -> str:
        at = timezone.localtime(self.at)  # Beijing time in the 管理后台, not the stored UTC
        return f"{at:%Y-%m-%d %H:%M} {self.case_number} {self.get_outcome_display()}"


class ApprovalSignature(models.Model):
    """A 负责人's electronic signature on one approval step of a case (never changed)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="signatures")
    action = models.CharField("环节", max_length=40)
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    key = models.ForeignKey("org.SigningKey", on_delete=models.PROTECT, related_name="+")
    text = models.TextField("签名内容")
    signature = models.CharField("签名（Base64）", max_length=100)
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "审批电子签名"
        verbose_name_plural = "审批电子签名"
        ordering = ["case", "signed_at"]

    def __str__(self) -> str:
        return f"{self.case} {self.action} {self.officer.name}"


class PartySignatureOutcome(models.TextChoices):
    SIGNED = "signed", "当事人已签名"
    REFUSED = "refused", "当事人拒绝签名"


class PartySignature(models.Model):
    """The party's signature on one version of a document made on the spot (笔录、当场处罚决定书、
    送达回证 …), drawn on the officer's phone, or his refusal to sign with a witness or a
    recording (行政强制法第十八条第八项、第九项; 行政处罚法第五十二条). Bound to the version's
    Word hash as its ``cases.document.generated`` event recorded it; one per version, never
    changed (append-only triggers in the migration). The drawn image is stored content-addressed
    beside the documents and only its SHA-256 is kept here."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="party_signatures")
    document = models.OneToOneField(
        CaseDocument, on_delete=models.PROTECT, related_name="party_signature"
    )
    document_sha256 = models.CharField("文书（Word）SHA-256", max_length=64)
    outcome = models.CharField("结果", max_length=16, choices=PartySignatureOutcome.choices)
    image_sha256 = models.CharField("签名图像 SHA-256", max_length=64, blank=True, default="")
    image_width = models.PositiveIntegerField("图像宽度", default=0)
    image_height = models.PositiveIntegerField("图像高度", default=0)
    refusal_reason = models.CharField("拒绝签名的情况", max_length=200, blank=True, default="")
    witness_name = models.CharField("见证人姓名", max_length=64, blank=True, default="")
    witness_identifier = models.CharField(
        "见证人身份证件号码", max_length=32, blank=True, default=""
    )
    witness_unit = models.CharField("见证人单位", max_length=100, blank=True, default="")
    recording_id = models.CharField("记录过程的音像证据编号", max_length=36, blank=True, default="")
    recorded_by = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "当事人签名"
        verbose_name_plural = "当事人签名"
        ordering = ["case", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.document_id} {self.get_outcome_display()}"


# --- 执行: payments, 暂缓或者分期缴纳, 行政复议/行政诉讼, 强制执行 ------------------------------
# Every row below is evidence of what happened and is append-only (triggers in the migration):
# a mistake is answered by a new row, never by editing an old one.


class PaymentChannel(models.TextChoices):
    BANK = "bank", "指定银行"
    ELECTRONIC = "electronic", "电子支付系统"
    NON_TAX = "non_tax", "非税收入收缴系统"
    ON_SPOT = "on_spot", "当场收缴（财政部门统一制发的专用票据）"


class Payment(models.Model):
    """罚款（含加处罚款）缴纳记录, from the bank's or the 非税收入 system's receipt."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField("缴款日期")
    amount_yuan = models.DecimalField(
        "金额（元）", max_digits=14, decimal_places=2, validators=money_validators()
    )
    channel = models.CharField("缴款渠道", max_length=16, choices=PaymentChannel.choices)
    receipt_number = models.CharField("缴款凭证或票据号码", max_length=64)
    recorded_by = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "缴款记录"
        verbose_name_plural = "缴款记录"
        ordering = ["case", "paid_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "receipt_number"],
                name="payment_receipt_once",
                violation_error_message="该缴款凭证已登记。",
            ),
            money_constraint("amount_yuan", name="payment_amount_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.paid_on} {self.amount_yuan}"


class ScheduleKind(models.TextChoices):
    DEFERRAL = "deferral", "暂缓缴纳"
    INSTALMENTS = "instalments", "分期缴纳"


class PaymentSchedule(models.Model):
    """暂缓或者分期缴纳 (行政处罚法第六十六条第二款), approved by a 负责人 on the party's
    application; the latest approved schedule replaces the 十五日 of 第六十七条."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="schedules")
    kind = models.CharField("方式", max_length=16, choices=ScheduleKind.choices)
    applied_on = models.DateField("当事人申请日期")
    reason = models.TextField("经济困难情况")
    # [{"due_on": "YYYY-MM-DD", "amount": "123.45"}, …] in due order; amounts add up to the fine.
    instalments = models.JSONField("缴纳期限和金额")
    approved_by = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "暂缓或者分期缴纳"
        verbose_name_plural = "暂缓或者分期缴纳"
        ordering = ["case", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()}"


class RemedyKind(models.TextChoices):
    RECONSIDERATION = "reconsideration", "行政复议"
    LITIGATION = "litigation", "行政诉讼"


class RemedyOutcome(models.TextChoices):
    UPHELD = "upheld", "维持"
    REVOKED = "revoked", "撤销"
    CHANGED = "changed", "变更"
    ILLEGAL = "illegal", "确认违法"
    VOID = "void", "确认无效"
    DISMISSED = "dismissed", "驳回"
    WITHDRAWN = "withdrawn", "撤回申请或者起诉"


# 行政处罚法第四十八条第二款: a published decision so changed is withdrawn within three days.
OUTCOMES_BRINGING_DOWN_PUBLICATION = frozenset(
    {RemedyOutcome.REVOKED, RemedyOutcome.CHANGED, RemedyOutcome.ILLEGAL, RemedyOutcome.VOID}
)
# The decision no longer stands, so there is nothing left to execute.
OUTCOMES_ENDING_EXECUTION = frozenset({RemedyOutcome.REVOKED, RemedyOutcome.VOID})


class Remedy(models.Model):
    """The party applied for 行政复议 or filed 行政诉讼 against the decision."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="remedies")
    kind = models.CharField("救济途径", max_length=16, choices=RemedyKind.choices)
    filed_on = models.DateField("申请或者起诉日期")
    body = models.CharField("复议机关或者人民法院", max_length=200)
    reference = models.CharField("案号", max_length=100, blank=True)
    recorded_by = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "行政复议、行政诉讼"
        verbose_name_plural = "行政复议、行政诉讼"
        ordering = ["case", "filed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()} {self.reference}"


class RemedyStepKind(models.TextChoices):
    SUSPENSION = "suspension", "决定停止执行"
    OUTCOME = "outcome", "作出复议决定或者裁判"


class RemedyStep(models.Model):
    """What the 复议机关 or court decided: 停止执行 (行政处罚法第七十三条第一款 exceptions), or
    the outcome that ends the proceeding (one per proceeding)."""

    remedy = models.ForeignKey(Remedy, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField("事项", max_length=16, choices=RemedyStepKind.choices)
    decided_on = models.DateField("日期")
    outcome = models.CharField("结果", max_length=16, choices=RemedyOutcome.choices, blank=True)
    changed_fine_yuan = models.DecimalField(
        "变更后的罚款金额（元）", max_digits=14, decimal_places=2, null=True, blank=True,
        validators=money_validators(),
    )  # fmt: skip
    recorded_by = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "复议、诉讼结果"
        verbose_name_plural = "复议、诉讼结果"
        ordering = ["remedy", "decided_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["remedy"],
                condition=models.Q(kind="outcome"),
                name="remedy_outcome_once",
                violation_error_message="该复议或诉讼的结果已登记。",
            ),
            money_constraint("changed_fine_yuan", name="remedy_fine_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.remedy} {self.get_kind_display()} {self.outcome}"


class ExecutionStepKind(models.TextChoices):
    PERFORMED = "performed", "当事人已履行罚款以外的处罚"
    COURT_APPLIED = "court_applied", "申请人民法院强制执行"
    COURT_GRANTED = "court_granted", "人民法院裁定准予执行"
    COURT_REFUSED = "court_refused", "人民法院裁定不准予执行"
    COURT_ENFORCED = "court_enforced", "人民法院强制执行完毕"


class ExecutionStep(models.Model):
    """履行 of a non-monetary penalty, and the steps of 申请人民法院强制执行."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="execution_steps")
    kind = models.CharField("事项", max_length=16, choices=ExecutionStepKind.choices)
    occurred_on = models.DateField("日期")
    court = models.CharField("人民法院", max_length=200, blank=True)
    reference = models.CharField("案号或者文书号", max_length=100, blank=True)
    note = models.TextField("情况", blank=True)
    recorded_by = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "执行记录"
        verbose_name_plural = "执行记录"
        ordering = ["case", "occurred_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()} {self.occurred_on}"


class AccessReason(models.TextChoices):
    """Why a 监督人员 of a supervising body opened a case of an agency he supervises."""

    ROUTINE = "routine", "日常监督"
    COMPLAINT = "complaint", "投诉举报核查"
    FILE_REVIEW = "file_review", "案卷评查"
    WARNING = "warning", "预警核查"
    # No "干预记录核查": the case's agency reads its access records, and its heads must not
    # learn that an interference was recorded (supervision app).


class CaseAccess(models.Model):
    """案件调阅记录: an officer opened the case page (who, when, which case).

    Written once, like evidence's ``AccessRecord`` (append-only triggers). Unlike a look at
    evidence it appends no ledger event: a page view is not a change to anything, and an event
    per view would make every GET of a case page a write under the log's lock. A refused open
    (a case out of scope) leaves no row: the officer is told the case does not exist, as for
    evidence.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="accesses")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    actor = models.CharField("操作人", max_length=64)
    accessed_at = models.DateTimeField("时间", auto_now_add=True)
    # Only a supervising body's 监督人员 gives one (``AccessReason``); an officer of the
    # case's agency opens it in the course of his work.
    reason = models.CharField(
        "调阅事由", max_length=16, choices=AccessReason.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = "案件调阅记录"
        verbose_name_plural = "案件调阅记录"
        ordering = ["-accessed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.actor} opened case {self.case_id}"


class StepTaken(models.Model):
    """The case's status history: one row per step of its procedure taken (``case_transition``)
    and per edit of the case by an officer (opened, party added, handlers set, assessed, basis
    set: ``from_state`` equals ``to_state``), written in the same transaction as its ledger event.

    Append-only (triggers, like the ledger). Domain questions about what happened to a case (who
    acted on it, how many hearings were held in a year) read these rows, never the ledger.
    ``officer`` is empty only for rows filled from events whose actor names no officer; ``actor``
    keeps the ledger's actor string either way.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="steps_taken")
    action = models.CharField("步骤", max_length=64)
    from_state = models.CharField("办理前状态", max_length=32, blank=True)
    to_state = models.CharField("办理后状态", max_length=32, blank=True)
    officer = models.ForeignKey(
        Officer, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="办理人",
    )  # fmt: skip
    actor = models.CharField("操作人", max_length=64)
    taken_at = models.DateTimeField("时间")
    taken_on = models.DateField("日期")

    class Meta:
        verbose_name = "案件办理环节"
        verbose_name_plural = "案件办理环节"
        ordering = ["case", "taken_at", "pk"]
        indexes = [
            # 年报: steps of one kind taken in a year.
            models.Index(fields=["action", "taken_at"], name="steptaken_action_at"),
        ]

    def __str__(self) -> str:
        return f"case {self.case_id}: {self.action} by {self.actor}"


# The 记录形式 an item of the 音像记录事项清单 may accept: the audio-visual ones.
RECORDING_KINDS = ("audio", "video", "full_video")
KIND_SEPARATOR = "|"


class RecordingMatter(models.Model):
    """One item of a 行政执法音像记录事项清单 (seed 004 二(三)1; 118号): a matter that must
    be recorded on audio or video, the step of the procedure it belongs to, and the 记录形式
    (``evidence.EvidenceKind``) that satisfy it.

    Rows without an agency are the shipped list (``data/recording_matters.csv``), which every
    agency follows; an agency's own row with the same ``code`` replaces it for that agency (with
    ``is_active`` off, it takes the matter off that agency's list), and a row with a new code
    adds a matter. ``cases.recording`` reads the rows; the step is checked against the
    declarations by ``cases.recording_rows`` (the file's loader and the admin form).
    """

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name="执法主体", help_text="留空为默认清单，适用于未另行设置该事项的执法主体",
    )  # fmt: skip
    code = models.CharField(
        "代码", max_length=32, help_text="与默认清单中某项代码相同，即替换该项（本执法主体）"
    )
    position = models.PositiveSmallIntegerField("序号")
    matter = models.CharField("事项", max_length=100)
    step = models.CharField(
        "对应环节", max_length=64, blank=True,
        help_text="程序代码.步骤代码（如 coercive_measure.enforce），或 service:送达方式；"
        "留空的事项只公示，系统内无对应步骤",
    )  # fmt: skip
    kinds = models.CharField(
        "满足要求的记录形式", max_length=64,
        help_text="audio（录音）、video（录像）、full_video（全程录像），多项以 | 分隔",
    )  # fmt: skip
    basis = models.CharField("依据", max_length=300)
    is_active = models.BooleanField("列入清单", default=True)

    class Meta:
        verbose_name = "音像记录事项"
        verbose_name_plural = "音像记录事项清单"
        ordering = ["agency_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "code"], name="recording_matter_once_per_agency",
                violation_error_message="本执法主体已有该代码的音像记录事项",
            ),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(agency__isnull=True),
                name="recording_matter_default_once",
                violation_error_message="默认清单已有该代码的音像记录事项",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.agency or '默认清单'}：{self.matter}"

    @property
    def kind_list(self) -> list[str]:
        return [k.strip() for k in self.kinds.split(KIND_SEPARATOR) if k.strip()]

    def clean(self) -> None:
        unknown = [k for k in self.kind_list if k not in RECORDING_KINDS]
        if unknown or not self.kind_list:
            raise ValidationError(
                {
                    "kinds": f"记录形式应为 {'、'.join(RECORDING_KINDS)} 中的一项或多项"
                    f"（以 | 分隔），不是“{self.kinds}”"
                }
            )


class DiscretionOutcome(models.TextChoices):
    """Where the decided fine stands against the chosen 违法行为's tiers (裁量偏离)."""

    WITHIN = "within", "在裁量阶次内"
    OUTSIDE = "outside", "超出裁量阶次或法定幅度"
    UNCHECKED = "unchecked", "无固定金额可核对"
    NOT_CHOSEN = "not_chosen", "未选用裁量基准"


class DecisionDiscretion(models.Model):
    """What the 裁量基准 said of a decision when it was made: the version, the 违法行为, the tier
    the decided fine falls in and whether it is inside the tiers' range. Written once by the
    decision step's declared effect (``RecordDiscretion``), in the step's transaction, with its
    own ledger event; the deviation figures read these rows, never recompute them from a
    benchmark that may since have been superseded."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="discretion_record")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField("决定日期")
    benchmark = models.ForeignKey(
        "discretion.Benchmark", on_delete=models.PROTECT, null=True, related_name="+",
        verbose_name="裁量基准版本",
    )  # fmt: skip
    violation = models.ForeignKey(
        "discretion.Violation", on_delete=models.PROTECT, null=True, related_name="+",
        verbose_name="违法行为",
    )  # fmt: skip
    violation_code = models.CharField("违法行为编号", max_length=40, blank=True)
    tier = models.ForeignKey(
        "discretion.Tier", on_delete=models.PROTECT, null=True, related_name="+",
        verbose_name="适用阶次",
    )  # fmt: skip
    fine_yuan = models.DecimalField("决定罚款（元）", max_digits=14, decimal_places=2, null=True)
    # A 不予行政处罚决定 under 第三十三条 (the ``no_penalty`` step): inside when the recorded 情节
    # make the 不予处罚 tier applicable, outside when they do not.
    no_penalty = models.BooleanField("不予处罚决定", default=False)
    outcome = models.CharField("裁量情况", max_length=16, choices=DiscretionOutcome.choices)
    problems = models.JSONField("偏离说明", default=list, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "处罚决定裁量记录"
        verbose_name_plural = "处罚决定裁量记录"
        indexes = [
            models.Index(fields=["agency", "decided_on"], name="discretion_record_period"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_outcome_display()}"


class NoPenaltyGround(models.TextChoices):
    """Why the case ends without a penalty: the three cases of 行政处罚法第三十三条, and 违法事实
    不能成立 (第五十七条第一款第三项), which is no violation at all."""

    MINOR = "minor", "违法行为轻微并及时改正，没有造成危害后果（行政处罚法第三十三条第一款）"
    FIRST = "first", "初次违法且危害后果轻微并及时改正（行政处罚法第三十三条第一款，首违不罚）"
    NO_FAULT = "no_fault", "当事人有证据足以证明没有主观过错（行政处罚法第三十三条第二款）"
    NOT_ESTABLISHED = "not_established", "违法事实不能成立（行政处罚法第五十七条第一款第三项）"


class NoPenaltyProposal(models.Model):
    """拟不予处罚: the ground, the 裁量基准's 不予处罚 tier it is proposed under (第三十三条), and
    for each element of the ground what shows it. One per case; the handlers change or withdraw
    it while the proposal is open (``cases.no_penalty``)."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="no_penalty_proposal")
    ground = models.CharField("不予处罚的理由", max_length=20, choices=NoPenaltyGround.choices)
    tier = models.ForeignKey(
        "discretion.Tier", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="裁量基准中的不予处罚阶次",
    )  # fmt: skip
    # Element (as ``no_penalty.ELEMENTS`` names it) → what shows it (证据名称、记录编号 …).
    elements = models.JSONField("适用情形及其证明", default=dict)
    recorded_by = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "拟不予处罚意见"
        verbose_name_plural = "拟不予处罚意见"

    def __str__(self) -> str:
        return f"{self.case}：{self.get_ground_display()}"


class EducationManner(models.TextChoices):
    IN_PERSON = "in_person", "当面教育（谈话）"
    WRITTEN = "written", "书面教育（告诫书、提示函）"
    INTERVIEW = "interview", "约谈"
    TRAINING = "training", "组织学习培训"
    OTHER = "other", "其他方式"


class NoPenaltyEducation(models.Model):
    """行政处罚法第三十三条第三款: 对当事人的违法行为依法不予行政处罚的，行政机关应当对当事人
    进行教育. How, when, by whom, and what the party was told."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="educations")
    manner = models.CharField("教育方式", max_length=16, choices=EducationManner.choices)
    given_on = models.DateField("教育日期")
    given_by = models.ForeignKey(
        Officer, on_delete=models.PROTECT, related_name="+", verbose_name="教育人员"
    )
    content = models.TextField("教育内容")
    recorded_by = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "不予处罚教育记录"
        verbose_name_plural = "不予处罚教育记录"
        ordering = ["case", "given_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case}：{self.get_manner_display()} {self.given_on}"
