from django.contrib import admin
from django.http import HttpRequest

from sanxiang.alerts.models import Alert, AlertRule


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    """Thresholds, audience, escalation and basis are the administrator's; the evaluator each
    rule names (``key``) is code, so rules are neither added nor deleted here."""

    list_display = ["name", "threshold", "unit", "audience", "escalate_after", "enabled"]
    readonly_fields = ["key"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    """Read-only: alerts change through the office page and the scan, each a ledger event."""

    list_display = ["rule", "text", "status", "raised_at", "escalated_at", "resolved_at"]
    list_filter = ["status", "rule", "agency"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
