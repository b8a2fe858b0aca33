"""Case master data in the admin: the numbering rules (机关代字) per agency and kind; and, to
read only, the portal's 当事人查询 tries."""

from django.contrib import admin

from sanxiang.cases.models import CaseRules, NumberingRule, PartyQueryAttempt
from sanxiang.ledger.admin_support import LedgeredAdmin


@admin.register(NumberingRule)
class NumberingRuleAdmin(LedgeredAdmin):
    list_display = ("agency", "kind", "prefix")
    list_filter = ("agency", "kind")


@admin.register(CaseRules)
class CaseRulesAdmin(LedgeredAdmin):
    list_display = ("agency", "extension_days", "extensions_by_head")


@admin.register(PartyQueryAttempt)
class PartyQueryAttemptAdmin(admin.ModelAdmin):
    """Who tried which case number when, and how it ended; the typed code is never stored.
    Read-only: the rows are the record of the tries and what the rate limits count."""

    list_display = ("at", "case_number", "client_ip", "outcome")
    list_filter = ("outcome",)
    search_fields = ("case_number", "client_ip")
    date_hierarchy = "at"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
