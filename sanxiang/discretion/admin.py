"""管理后台 for 裁量基准: a draft version is edited here (each edit a ledger event); a version
in force or superseded is read-only (a change is a new version, imported and published)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sanxiang.discretion.models import Benchmark, Circumstance, Tier, Violation
from sanxiang.ledger.admin_support import LedgeredAdmin


def _draft(obj: Any) -> bool:
    if obj is None:
        return True
    benchmark = obj if isinstance(obj, Benchmark) else obj._benchmark()
    return bool(benchmark.is_draft)


class _DraftOnlyAdmin(LedgeredAdmin):
    """Rows of a published version are shown read-only; only drafts can be changed."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and _draft(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and _draft(obj)


class TierInline(admin.TabularInline):
    model = Tier
    extra = 0
    fields = (
        "position",
        "name",
        "kind",
        "conditions",
        "fine_min",
        "fine_max",
        "multiple_min",
        "multiple_max",
        "other_penalties",
    )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and _draft(obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and _draft(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and _draft(obj)


@admin.register(Benchmark)
class BenchmarkAdmin(_DraftOnlyAdmin):
    list_display = ("title", "agency", "number", "status", "valid_from", "valid_to")
    list_filter = ("agency", "status")
    readonly_fields = (
        "agency",
        "number",
        "status",
        "valid_to",
        "file_sha256",
        "content_sha256",
        "published_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a version is made by importing a file (office page or command)


@admin.register(Violation)
class ViolationAdmin(_DraftOnlyAdmin):
    list_display = ("code", "name", "benchmark", "item")
    list_filter = ("benchmark__agency", "benchmark__status")
    search_fields = ("code", "name", "keywords")
    filter_horizontal = ("violated_articles", "penalty_articles")
    inlines = (TierInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Circumstance)
class CircumstanceAdmin(_DraftOnlyAdmin):
    list_display = ("kind", "text", "benchmark", "violation")
    list_filter = ("benchmark__agency", "kind")
    filter_horizontal = ("articles",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
