"""干预记录 in the 管理后台: read-only (the rows are append-only; they are written only by
``services.interference_record``)."""

from django.contrib import admin
from django.http import HttpRequest

from sanxiang.supervision.models import Interference


@admin.register(Interference)
class InterferenceAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "agency", "case", "intervener_name", "manner", "recorded_by")
    list_filter = ("agency", "manner")
    list_select_related = ("agency", "case", "recorded_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
