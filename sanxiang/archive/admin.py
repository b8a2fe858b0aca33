"""管理后台 for 电子案卷归档: the retention periods (each edit a ledger event) and the packages."""

from django.contrib import admin

from sanxiang.archive.models import CaseArchive, PackageAccess, RetentionPeriod
from sanxiang.ledger.admin import ReadOnlyAdmin
from sanxiang.ledger.admin_support import LedgeredAdmin


@admin.register(RetentionPeriod)
class RetentionPeriodAdmin(LedgeredAdmin):
    """Loaded from data/archive/retention.csv (``sanxiang archive retention-load``); an edit
    applies to cases archived from then on (a sealed package keeps the period it recorded)."""

    list_display = ("procedure", "retention", "basis")


@admin.register(CaseArchive)
class CaseArchiveAdmin(ReadOnlyAdmin):
    list_display = ("case", "retention", "package_sha256", "size", "sealed_at")


@admin.register(PackageAccess)
class PackageAccessAdmin(ReadOnlyAdmin):
    list_display = ("archive", "actor", "accessed_at")
