"""管理后台 for 电子案卷归档: the retention periods (each edit a ledger event) and the packages."""

from django.contrib import admin

from sanxiang.archive.models import CaseArchive, PackageAccess, RetentionPeriod
from sanxiang.ledger.admin_support import LedgeredAdmin


@admin.register(RetentionPeriod)
class RetentionPeriodAdmin(LedgeredAdmin):
    """Loaded from data/archive/retention.csv (``sanxiang archive retention-load``); an edit
    applies to cases archived from then on (a sealed package keeps the period it recorded)."""

    list_display = ("procedure", "retention", "basis")


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CaseArchive)
class CaseArchiveAdmin(_ReadOnly):
    list_display = ("case", "retention", "package_sha256", "size", "sealed_at")


@admin.register(PackageAccess)
class PackageAccessAdmin(_ReadOnly):
    list_display = ("archive", "actor", "accessed_at")
