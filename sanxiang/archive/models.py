"""电子案卷归档: the retention periods (保管期限) and one sealed package per archived case."""

from __future__ import annotations

from django.db import models

from sanxiang.cases.models import Case, Procedure
from sanxiang.org.models import Officer


class Retention(models.TextChoices):
    PERMANENT = "permanent", "永久"
    THIRTY_YEARS = "30y", "30年"
    TEN_YEARS = "10y", "10年"


class RetentionPeriod(models.Model):
    """保管期限 of a kind of case (data/archive/retention.csv; edited in 管理后台)."""

    procedure = models.CharField("程序", max_length=32, choices=Procedure.choices, unique=True)
    retention = models.CharField("保管期限", max_length=16, choices=Retention.choices)
    basis = models.CharField("依据", max_length=300)

    class Meta:
        verbose_name = "电子案卷保管期限"
        verbose_name_plural = "电子案卷保管期限"
        ordering = ["procedure"]

    def __str__(self) -> str:
        return f"{self.get_procedure_display()}：{self.get_retention_display()}"


class CaseArchive(models.Model):
    """The sealed 电子案卷 of a case: the package's SHA-256 (a ledger event of the 归档 step),
    where its bytes are stored (content-addressed, beside the documents), the signed tree head
    its proofs point to and the retention period recorded in its manifest. Written once."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="+")
    agency_id = models.BigIntegerField("执法主体")
    package_sha256 = models.CharField("归档包 SHA-256", max_length=64)
    size = models.BigIntegerField("字节数")
    file_count = models.PositiveIntegerField("文件数")
    tree_head_id = models.BigIntegerField("签名树头")
    tree_size = models.BigIntegerField("树大小")
    retention = models.CharField("保管期限", max_length=16, choices=Retention.choices)
    retention_basis = models.CharField("保管期限依据", max_length=300)
    sealed_by = models.ForeignKey(
        Officer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sealed_at = models.DateTimeField("归档时间")

    class Meta:
        verbose_name = "电子案卷归档包"
        verbose_name_plural = "电子案卷归档包"
        ordering = ["-sealed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.package_sha256[:16]}"


class PackageAccess(models.Model):
    """调阅记录 of a package: who downloaded which case's 电子案卷, when (append-only)."""

    archive = models.ForeignKey(CaseArchive, on_delete=models.PROTECT, related_name="accesses")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    actor = models.CharField("操作人", max_length=64)
    accessed_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "电子案卷调阅记录"
        verbose_name_plural = "电子案卷调阅记录"
        ordering = ["-accessed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.actor} downloaded archive {self.archive_id}"
