"""执法监督意见书 and 责令纠正通知书, their bases (data) and their append-only history.

An ``Opinion`` carries its current state (issued → answered → accepted, or returned → answered
again) and its answer period; every step is also an ``OpinionStep`` row, never changed or
removed (database triggers), with a ledger event in the log of the case's agency.
"""

from __future__ import annotations

from django.db import models

from sanxiang.evidence.models import Blob
from sanxiang.org.models import Agency, Officer, SupervisoryBody


class OpinionKind(models.TextChoices):
    OPINION = "opinion", "行政执法监督意见书"
    ORDER = "order", "责令纠正通知书"


class OpinionStatus(models.TextChoices):
    ISSUED = "issued", "待答复"
    ANSWERED = "answered", "已答复，待审查"
    RETURNED = "returned", "已退回，待重新答复"
    ACCEPTED = "accepted", "已办结"


# The states in which the agency owes an answer.
AWAITING_ANSWER = (OpinionStatus.ISSUED, OpinionStatus.RETURNED)
OPEN = (OpinionStatus.ISSUED, OpinionStatus.ANSWERED, OpinionStatus.RETURNED)


class LegalPoint(models.TextChoices):
    """Which point of the case the problem concerns (optional)."""

    SUBJECT = "subject", "执法主体、人员资格"
    FACTS = "facts", "事实认定"
    EVIDENCE = "evidence", "证据"
    PROCEDURE = "procedure", "执法程序"
    BASIS = "basis", "适用依据"
    DISCRETION = "discretion", "裁量"
    DOCUMENTS = "documents", "执法文书"
    SERVICE = "service", "送达"
    EXECUTION = "execution", "执行"
    DISCLOSURE = "disclosure", "执法公示"
    OTHER = "other", "其他"


class BasisKind(models.TextChoices):
    OPINION = "opinion", "监督意见书"
    ORDER = "order", "责令纠正通知书"
    BOTH = "both", "两者"


class OpinionBasis(models.Model):
    """One provision a supervision document may cite (``data/supervision/opinion_bases.csv``)."""

    key = models.CharField("代码", max_length=40, unique=True)
    kind = models.CharField("适用文书", max_length=8, choices=BasisKind.choices)
    citation = models.CharField("依据", max_length=200)
    summary = models.TextField("内容摘要")
    answer_workdays = models.PositiveSmallIntegerField(
        "答复期限（工作日）", default=0, help_text="0 表示本条不规定期限"
    )
    source = models.CharField("出处", max_length=400)
    enabled = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "执法监督意见依据"
        verbose_name_plural = "执法监督意见依据"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.citation

    def applies_to(self, kind: str) -> bool:
        return self.kind in (BasisKind.BOTH, kind)


class Opinion(models.Model):
    """A 行政执法监督意见书 or 责令纠正通知书 on one case."""

    body = models.ForeignKey(
        SupervisoryBody, on_delete=models.PROTECT, related_name="+", verbose_name="监督机构"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name="案件"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name="被监督执法主体"
    )
    kind = models.CharField("文书", max_length=8, choices=OpinionKind.choices)
    number = models.CharField("文号", max_length=64, unique=True)
    problems = models.TextField("发现的问题")
    legal_point = models.CharField(
        "问题所涉环节", max_length=16, choices=LegalPoint.choices, blank=True
    )
    requirement = models.TextField("监督意见或纠正要求")
    bases = models.ManyToManyField(OpinionBasis, related_name="+", verbose_name="依据")
    period_workdays = models.PositiveSmallIntegerField("答复期限（工作日）")
    issued_on = models.DateField("出具日期")
    answer_due_on = models.DateField("答复期限")
    status = models.CharField(
        "状态", max_length=10, choices=OpinionStatus.choices, default=OpinionStatus.ISSUED
    )
    issued_by = models.ForeignKey(
        Officer, on_delete=models.PROTECT, related_name="+", verbose_name="出具人"
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)
    verification_code = models.CharField("核验码", max_length=16, unique=True)
    docx_sha256 = models.CharField("Word 文件 SHA-256", max_length=64)
    pdf_sha256 = models.CharField("PDF 文件 SHA-256", max_length=64, blank=True)

    class Meta:
        verbose_name = "执法监督意见"
        verbose_name_plural = "执法监督意见"
        ordering = ["-issued_on", "-pk"]
        indexes = [
            models.Index(
                fields=["agency", "status", "answer_due_on"], name="opinion_open_by_agency"
            ),
            models.Index(fields=["case"], name="opinion_by_case"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    @property
    def ledger_agency_id(self) -> int:
        return self.agency_id

    @property
    def awaiting_answer(self) -> bool:
        return self.status in AWAITING_ANSWER


class StepKind(models.TextChoices):
    ISSUED = "issued", "出具"
    ANSWERED = "answered", "书面答复"
    ACCEPTED = "accepted", "审查通过"
    RETURNED = "returned", "退回"


class OpinionStep(models.Model):
    """One step of an opinion's history: append-only."""

    opinion = models.ForeignKey(Opinion, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField("环节", max_length=10, choices=StepKind.choices)
    actor = models.ForeignKey(
        Officer, on_delete=models.PROTECT, related_name="+", verbose_name="办理人"
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    text = models.TextField("内容", blank=True)
    evidence_references = models.CharField("附件（证据记录编号）", max_length=400, blank=True)
    due_on = models.DateField("答复期限", null=True, blank=True)

    class Meta:
        verbose_name = "执法监督意见办理记录"
        verbose_name_plural = "执法监督意见办理记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.opinion_id} {self.get_kind_display()}"

    @property
    def ledger_agency_id(self) -> int:
        return self.opinion.agency_id

    @property
    def references(self) -> list[str]:
        return [r for r in self.evidence_references.split() if r]


class OpinionAttachment(models.Model):
    """A file the agency sent with its answer (the corrected decision, a rectification report),
    its bytes in the evidence store; its SHA-256 is in the answer's ledger event."""

    step = models.ForeignKey(OpinionStep, on_delete=models.PROTECT, related_name="attachments")
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField("文件名", max_length=255)

    class Meta:
        verbose_name = "执法监督意见答复附件"
        verbose_name_plural = "执法监督意见答复附件"
        ordering = ["step", "pk"]

    def __str__(self) -> str:
        return self.filename


class OpinionFileAccess(models.Model):
    """调阅记录 of an answer's attachment: who opened it and when, written (append-only) before
    the file is sent; a refused open (out of scope) leaves no row. No ledger event: a read
    changes nothing (as ``ComplaintAccess``)."""

    attachment = models.ForeignKey(
        OpinionAttachment, on_delete=models.PROTECT, related_name="accesses"
    )
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    actor = models.CharField("操作人", max_length=64)
    accessed_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "执法监督意见附件调阅记录"
        verbose_name_plural = "执法监督意见附件调阅记录"
        ordering = ["-accessed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.actor} attachment {self.attachment_id}"
