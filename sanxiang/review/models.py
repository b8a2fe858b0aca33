"""重大执法决定法制审核: the catalogue, review tasks, rounds, written opinions and the committee.

A ``Review`` is one case's passage through review; each submission (the first and every
resubmission after 存在问题) is a ``Round`` with the materials and the handlers' signed
statement, the reviewer's point-by-point ``Opinion`` and, when returned, the handlers' written
``Answer``. Rounds, opinions, answers and committee records are never edited: each is written
once by a service and recorded in the ledger.
"""

from __future__ import annotations

from django.db import models

from sanxiang.cases.models import Case, PenaltyKind, Procedure, ReviewFlag
from sanxiang.org.models import Agency, EnforcementCategory, Officer
from sanxiang.review.access import ReviewQuerySet

# The points a written opinion must answer (国办发〔2018〕118号; the Chongqing Jiangbei plan
# lists the same eight heads, split here as the issue and the Xiamen checklist do).
OPINION_POINTS: tuple[tuple[str, str], ...] = (
    ("subject", "执法主体是否合法"),
    ("qualification", "执法人员是否具备执法资格"),
    ("procedure", "执法程序是否合法"),
    ("facts", "案件事实是否清楚"),
    ("evidence", "证据是否合法充分"),
    ("law", "适用法律、法规、规章是否准确"),
    ("discretion", "裁量基准运用是否适当"),
    ("authority", "是否超越执法机关法定权限"),
    ("documents", "执法文书是否完备、规范"),
    ("crime", "违法行为是否涉嫌犯罪、需要移送司法机关"),
)
POINT_LABELS = dict(OPINION_POINTS)


class CatalogueRule(models.Model):
    """One item of an agency's 重大执法决定法制审核目录清单.

    A case is in the catalogue when any active rule matches; a rule matches when every
    condition it sets holds (an unset condition does not restrict).
    """

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField("序号")
    title = models.CharField("事项", max_length=200)
    procedure = models.CharField(
        "执法行为", max_length=32, choices=Procedure.choices, blank=True, help_text="留空为不限"
    )
    category = models.ForeignKey(
        EnforcementCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="执法类别",
        help_text="留空为不限",
    )
    min_amount_yuan = models.DecimalField(
        "涉案金额或罚款金额不低于（元）",
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
    )
    penalty_kind = models.CharField(
        "拟作出的处罚种类", max_length=32, choices=PenaltyKind.choices, blank=True
    )
    hearing_held = models.BooleanField("经过听证程序", default=False)
    case_flag = models.CharField(
        "重大执法决定情形", max_length=32, choices=ReviewFlag.choices, blank=True
    )
    basis = models.CharField("依据", max_length=300)
    is_active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "法制审核目录清单事项"
        verbose_name_plural = "法制审核目录清单"
        ordering = ["agency", "position"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "position"], name="catalogue_position_once")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    @property
    def ledger_agency_id(self) -> int:
        return self.agency_id


class MaterialSource(models.TextChoices):
    DOCUMENT = "document", "系统生成的文书"
    EVIDENCE = "evidence", "已登记的证据"
    DECLARED = "declared", "承办机构确认随案报送"


class RequiredMaterial(models.Model):
    """送审材料: what a submission must include (an agency sets the list)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField("序号")
    name = models.CharField("材料名称", max_length=100)
    procedure = models.CharField(
        "适用程序", max_length=32, choices=Procedure.choices, blank=True, help_text="留空为不限"
    )
    source = models.CharField("核对方式", max_length=16, choices=MaterialSource.choices)
    document_kind = models.CharField(
        "文书种类代码", max_length=32, blank=True, help_text="核对方式为文书时填写，如 registration"
    )
    only_if_heard = models.BooleanField("仅经过听证的案件", default=False)

    class Meta:
        verbose_name = "送审材料"
        verbose_name_plural = "送审材料清单"
        ordering = ["agency", "position"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "position"], name="material_position_once")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ledger_agency_id(self) -> int:
        return self.agency_id


class ReviewPolicy(models.Model):
    """An agency's own review rules (its 法制审核流程: 时限、回避)."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="+")
    review_days = models.PositiveSmallIntegerField(
        "审核时限（工作日）",
        default=5,
        help_text="自收到送审材料之日起；由本机关法制审核制度规定",
    )
    exclude_own_unit = models.BooleanField("法制审核人员不审核本机构承办的案件", default=False)
    statement = models.TextField(
        "送审承诺",
        default=(
            "承办机构对送审材料的真实性、准确性、完整性，以及执法的事实、证据、法律适用、"
            "程序的合法性负责。"
        ),
        help_text="厦城执法〔2019〕5号：承办机构对送审材料的真实性、准确性、完整性负责",
    )

    class Meta:
        verbose_name = "法制审核规则"
        verbose_name_plural = "法制审核规则"

    def __str__(self) -> str:
        return f"{self.agency}：{self.review_days} 个工作日"

    @property
    def ledger_agency_id(self) -> int:
        return self.agency_id


class ReviewStatus(models.TextChoices):
    UNDER_REVIEW = "under_review", "审核中"
    RETURNED = "returned", "退回承办机构"
    COMMITTEE = "committee", "提请审核委员会"
    PASSED = "passed", "审核通过"


class Review(models.Model):
    """A case's passage through 法制审核, from submission to a pass or a committee conclusion."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=16, choices=ReviewStatus.choices)
    reviewer = models.ForeignKey(
        Officer, on_delete=models.PROTECT, related_name="reviews", verbose_name="法制审核人员"
    )
    need_reason = models.CharField("纳入审核的理由", max_length=500)
    disputed = models.BooleanField("对是否属于重大执法决定存在争议", default=False)
    due_on = models.DateField("审核期限", db_index=True)
    submitted_at = models.DateTimeField("首次送审时间")
    passed_at = models.DateTimeField("通过时间", null=True, blank=True)

    # ``Review.objects.visible_to(actor, action)``: the access rules live in ``review/access.py``.
    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = "法制审核"
        verbose_name_plural = "法制审核"
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["reviewer", "status"], name="review_queue")]
        constraints = [models.UniqueConstraint(fields=["case"], name="review_once_per_case")]

    def __str__(self) -> str:
        return f"{self.case} 法制审核"


class Round(models.Model):
    """One submission: materials, the handlers' statement, and what came of it."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveSmallIntegerField("轮次")
    submitted_by = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    materials = models.JSONField("送审材料")
    statement = models.TextField("送审承诺")
    case_snapshot_sha256 = models.CharField("送审时案件状态摘要", max_length=64)

    class Meta:
        ordering = ["review", "number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="round_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.review} 第{self.number}轮"


class Conclusion(models.TextChoices):
    AGREE = "agree", "同意"
    PROBLEMS = "problems", "存在问题"


class PointConclusion(models.TextChoices):
    OK = "ok", "符合"
    PROBLEM = "problem", "存在问题"
    NOT_APPLICABLE = "na", "不适用"


class Opinion(models.Model):
    """书面审核意见, written point by point, then 同意 or 存在问题."""

    round = models.OneToOneField(Round, on_delete=models.PROTECT, related_name="opinion")
    reviewer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    conclusion = models.CharField("审核结论", max_length=16, choices=Conclusion.choices)
    summary = models.TextField("审核意见")
    assisted_by = models.CharField("协助审核的法律顾问、公职律师", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.round}：{self.get_conclusion_display()}"


class OpinionPoint(models.Model):
    opinion = models.ForeignKey(Opinion, on_delete=models.PROTECT, related_name="points")
    point = models.CharField("审核事项", max_length=16, choices=OPINION_POINTS)
    conclusion = models.CharField("结论", max_length=8, choices=PointConclusion.choices)
    reasoning = models.TextField("理由")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["opinion", "point"], name="opinion_point_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_point_display()}：{self.get_conclusion_display()}"


class Answer(models.Model):
    """The handlers' written answer to 存在问题: 研究意见 and what they did about it."""

    round = models.OneToOneField(Round, on_delete=models.PROTECT, related_name="answer")
    answered_by = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    accepted = models.BooleanField("采纳审核意见")
    study = models.TextField("研究意见")
    action = models.TextField("处理情况")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.round} 答复"


class MeetingConclusion(models.TextChoices):
    PROCEED = "proceed", "同意作出决定"
    RETURN = "return", "退回承办机构"


class CommitteeMeeting(models.Model):
    """法制审核委员会会议 on a review where the review body and the handlers disagree."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField("会议日期")
    place = models.CharField("地点", max_length=100)
    chair = models.ForeignKey(
        Officer, on_delete=models.PROTECT, related_name="+", verbose_name="主持人"
    )
    conclusion = models.CharField("集体审议结论", max_length=16, choices=MeetingConclusion.choices)
    minutes = models.TextField("会议纪要")
    recorded_by = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.review} 审核委员会会议（{self.held_on}）"


class Capacity(models.TextChoices):
    MEMBER = "member", "委员"
    ADVISER = "adviser", "法律顾问"
    LAWYER = "lawyer", "公职律师或驻队律师"
    EXPERT = "expert", "行业专家"


class MeetingParticipant(models.Model):
    """Each member's or invited adviser's view, as the minutes record it."""

    meeting = models.ForeignKey(
        CommitteeMeeting, on_delete=models.PROTECT, related_name="participants"
    )
    name = models.CharField("姓名", max_length=50)
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, null=True, related_name="+")
    capacity = models.CharField("身份", max_length=16, choices=Capacity.choices)
    view = models.TextField("意见")
    vote = models.CharField(
        "表决", max_length=16, choices=MeetingConclusion.choices, blank=True,
        help_text="受邀的法律顾问、律师、专家提供咨询意见，不参加表决",
    )  # fmt: skip

    def __str__(self) -> str:
        return f"{self.name}（{self.get_capacity_display()}）"


class Determination(models.Model):
    """Each finding that a case does or does not need review, with the rules that matched."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    action = models.CharField("环节", max_length=32)
    required = models.BooleanField("须经法制审核")
    rules = models.JSONField("命中的目录清单事项")
    reason = models.CharField("说明", max_length=500)
    actor = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.case} {self.action}：{'须' if self.required else '无需'}法制审核"


class ReviewDocumentKind(models.TextChoices):
    OPINION = "opinion", "法制审核意见书"
    MINUTES = "minutes", "法制审核委员会会议纪要"


class ReviewDocument(models.Model):
    """The rendered 审核意见书 of a round, or the minutes of a meeting: Word and PDF, hashed."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField("文书种类", max_length=16, choices=ReviewDocumentKind.choices)
    source_id = models.PositiveIntegerField("对应的审核意见或会议")
    docx_sha256 = models.CharField(max_length=64)
    pdf_sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "source_id"], name="review_document_once")
        ]

    def __str__(self) -> str:
        return f"{self.review} {self.get_kind_display()}"
