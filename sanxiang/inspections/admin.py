"""管理后台 for 双随机一公开: the 名录库 is edited here (each edit a ledger event); plans,
tasks and their frozen records are read-only (they change only through the office's steps)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sanxiang.inspections.models import (
    Beacon,
    Commitment,
    Conflict,
    DrawnTarget,
    InspectionPlan,
    InspectionTarget,
    InspectionTask,
)
from sanxiang.ledger.admin import ReadOnlyAdmin
from sanxiang.ledger.admin_support import LedgeredAdmin


@admin.register(InspectionTarget)
class InspectionTargetAdmin(LedgeredAdmin):
    list_display = ("name", "public_id", "kind", "area", "category", "risk_level", "is_active")
    list_filter = ("agency", "kind", "risk_level", "is_active")
    search_fields = ("name", "public_id", "identifier")
    readonly_fields = ("public_id",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Once stored, a row's public ID stands for that organisation or person: who it is
        # (agency, kind, code or ID number) cannot be edited into someone else.
        if obj is not None:
            return ("public_id", "agency", "kind", "identifier")
        return ("public_id",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Frozen lists and drawn targets refer to the row; one that leaves the register is
        # taken out of future draws by clearing 在库 instead.
        return False


@admin.register(InspectionPlan)
class InspectionPlanAdmin(ReadOnlyAdmin):
    list_display = ("item", "year", "ratio_percent", "frequency")


@admin.register(InspectionTask)
class InspectionTaskAdmin(ReadOnlyAdmin):
    list_display = ("name", "agency", "state", "k", "m", "frozen_at", "drawn_at")
    list_filter = ("state",)


for model in (Conflict, Commitment, Beacon, DrawnTarget):
    admin.site.register(model, ReadOnlyAdmin)
