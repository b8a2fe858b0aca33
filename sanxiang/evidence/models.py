"""Evidence (文字和音像记录), its content-addressed blobs, custody and access records.

Rows here are never edited: a metadata correction is a new ``EvidenceItem`` version that
supersedes the old one, a hand-over is a new ``CustodyTransfer``, a look is a new
``AccessRecord``, and each is also a ledger event.
"""

from __future__ import annotations

from django.db import models

from sanxiang.evidence.access import EvidenceQuerySet
from sanxiang.org.models import Agency, Officer, Unit


class EvidenceKind(models.TextChoices):
    """记录形式 (河北省实施方案: 文字记录、音像记录)."""

    TEXT = "text", "文字"
    PHOTO = "photo", "照片"
    AUDIO = "audio", "录音"
    VIDEO = "video", "录像"
    FULL_VIDEO = "full_video", "全程录像"


class TargetKind(models.TextChoices):
    PERSON = "person", "自然人"
    ORGANISATION = "organisation", "法人或其他组织"


class Target(models.Model):
    """执法对象: a person or organisation whose records are gathered in one place
    (同一执法对象集中储存). Identified by 统一社会信用代码 or 身份证件号码."""

    kind = models.CharField("类型", max_length=16, choices=TargetKind.choices)
    name = models.CharField("名称或姓名", max_length=200)
    identifier = models.CharField("统一社会信用代码或身份证件号码", max_length=32, unique=True)
    address = models.CharField("地址", max_length=200, blank=True)

    class Meta:
        verbose_name = "执法对象"
        verbose_name_plural = "执法对象"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Blob(models.Model):
    """Stored bytes, addressed by their SHA-256: the same file is stored once."""

    sha256 = models.CharField("SHA-256", max_length=64, primary_key=True)
    sm3 = models.CharField("SM3", max_length=64)
    size = models.BigIntegerField("字节数")
    content_type = models.CharField("类型", max_length=100)
    storage_name = models.CharField("存储位置", max_length=300)
    stored_at = models.DateTimeField("入库时间", auto_now_add=True)

    class Meta:
        verbose_name = "存储文件"
        verbose_name_plural = "存储文件"

    def __str__(self) -> str:
        return self.sha256


class EvidenceItem(models.Model):
    """One version of one record's metadata, pointing at its blob.

    Required metadata follows the 河北 plan: 案件编号、采集时间、采集地点、采集人、证明对象,
    plus device and kind.
    """

    record_id = models.CharField("记录编号", max_length=36, db_index=True)
    version = models.PositiveIntegerField("版本", default=1)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    correction_reason = models.CharField("更正原因", max_length=300, blank=True)
    case_number = models.CharField("案件编号", max_length=64, db_index=True)
    target = models.ForeignKey(
        Target, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name="承办机构"
    )
    kind = models.CharField("记录形式", max_length=16, choices=EvidenceKind.choices)
    collected_at = models.DateTimeField("采集时间")
    location = models.CharField("采集地点", max_length=200)
    collector = models.ForeignKey(
        Officer, on_delete=models.PROTECT, related_name="+", verbose_name="采集人"
    )
    proves = models.CharField("证明对象", max_length=300)
    device = models.CharField("采集设备", max_length=100)
    description = models.TextField("说明", blank=True)
    original_filename = models.CharField("原文件名", max_length=255)
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="items")
    custodian = models.ForeignKey(
        Officer, on_delete=models.PROTECT, related_name="+", verbose_name="保管人"
    )
    created_by = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    # ``EvidenceItem.objects.visible_to(actor, action)``: the 调阅 scope lives in
    # ``evidence/access.py``.
    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = "证据记录"
        verbose_name_plural = "证据记录"
        ordering = ["-collected_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["record_id", "version"], name="evidence_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.get_kind_display()} v{self.version}"


class CustodyTransfer(models.Model):
    """移交: custody of a record passes from one officer to another."""

    record_id = models.CharField(max_length=36, db_index=True)
    from_officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    to_officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("移交原因", max_length=300)
    transferred_at = models.DateTimeField("移交时间", auto_now_add=True)
    ledger_sequence = models.BigIntegerField()

    class Meta:
        ordering = ["transferred_at", "pk"]
        # `ledger verify` finds each custody event's row by its ledger sequence. An index, not
        # db_index: on SQLite altering the field rebuilds the table and drops its triggers.
        indexes = [models.Index(fields=["ledger_sequence"], name="evidence_custody_ledger_seq")]

    def __str__(self) -> str:
        return f"{self.record_id}: {self.from_officer_id} → {self.to_officer_id}"


class AccessAction(models.TextChoices):
    VIEW = "view", "查看"
    DOWNLOAD = "download", "下载"
    EXPORT = "export", "导出"
    LIST = "list", "检索目录"


class AccessRecord(models.Model):
    """调阅记录: who looked at which record, when, how and why."""

    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="accesses")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+", null=True)
    actor = models.CharField("操作人", max_length=64)
    action = models.CharField("方式", max_length=16, choices=AccessAction.choices)
    reason = models.CharField("调阅理由", max_length=300, blank=True)
    accessed_at = models.DateTimeField("时间", auto_now_add=True)
    ledger_sequence = models.BigIntegerField()

    class Meta:
        verbose_name = "调阅记录"
        verbose_name_plural = "调阅记录"
        ordering = ["-accessed_at", "-pk"]
        # `ledger verify` finds each view event's row by its ledger sequence; without an index
        # every batch scanned the whole table (5 s a batch at 5M rows). An index, not db_index:
        # on SQLite altering the field rebuilds the table and drops its append-only triggers.
        indexes = [models.Index(fields=["ledger_sequence"], name="evidence_access_ledger_seq")]

    def __str__(self) -> str:
        return f"{self.actor} {self.action} {self.item_id}"


class ResumableUpload(models.Model):
    """A large recording being received in chunks (tus 1.0 core protocol), not evidence yet.

    The bytes go to a scratch file in shared storage; the row holds everything a node needs to
    take the next chunk, so consecutive chunks may land on different app nodes. Once the last
    chunk is in, the file is registered as an ordinary ``EvidenceItem`` (``item``) and the
    scratch file is gone; an upload left unfinished expires and is removed
    (``sanxiang evidence_uploads_expire``).
    """

    id = models.UUIDField(primary_key=True)
    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="+")
    case_number = models.CharField("案件编号", max_length=64)
    # The upload form's fields as sent (strings), checked again when the file is complete.
    form_data = models.JSONField(default=dict)
    filename = models.CharField("原文件名", max_length=255)
    length = models.BigIntegerField("总字节数")
    offset = models.BigIntegerField("已接收字节数", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    # One request at a time writes: it holds the lease (a random token) until it commits.
    lease = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    item = models.ForeignKey(
        EvidenceItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Why the complete file was not registered (shown to the officer), if it was refused.
    refusal = models.CharField(max_length=500, blank=True)
    # The digests of the whole file, kept when the last byte is in and the registration is left
    # to background work (an object store: the copy into the bucket takes minutes), so that
    # the worker does not read the file again to hash it.
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    sm3 = models.CharField("SM3", max_length=64, blank=True)
    # When the last byte was in and the registration was first left to background work (an
    # upload waiting long after it is reported by ``sanxiang evidence_uploads_expire``).
    complete_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "分片上传"
        verbose_name_plural = "分片上传"
        indexes = [models.Index(fields=["expires_at"], name="evidence_upload_expiry")]

    def __str__(self) -> str:
        return f"{self.filename} {self.offset}/{self.length}"
