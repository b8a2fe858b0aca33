"""管理后台 for the 评查标准: a version no campaign has used is edited here (each edit a ledger
event); a version in use is read-only (a change is a new version). Campaigns and scores change
only through the office pages, each a ledger event, so they are read-only here."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sanxiang.evaluation.models import Campaign, Standard, StandardItem
from sanxiang.ledger.admin_support import LedgeredAdmin


def _free(obj: Any) -> bool:
    if obj is None:
        return True
    standard = obj if isinstance(obj, Standard) else obj.standard
    return not standard.in_use


class StandardItemInline(admin.TabularInline):
    model = StandardItem
    extra = 0
    fields = ("position", "number", "category", "description", "points", "deduction", "basis")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and _free(obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and _free(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and _free(obj)


@admin.register(Standard)
class StandardAdmin(LedgeredAdmin):
    list_display = ("title", "version", "created_at")
    inlines = (StandardItemInline,)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and _free(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and _free(obj)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "body", "status", "created_at", "published_at")
    list_filter = ("status",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
