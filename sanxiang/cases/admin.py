"""Case master data in the admin: the numbering rules (机关代字) per agency and kind; and, to
read only, the portal's 当事人查询 tries."""

from django.contrib import admin, messages

from sanxiang.cases.models import CaseRules, NumberingRule, PartyQueryAttempt
from sanxiang.cases.party_access import party_query_lockout_clear
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
    Read-only: the rows are the record of the tries and what the rate limits count. The one
    write is the action 解除查询限制 (needs the 'change' permission on these rows)."""

    list_display = ("at", "case_number", "client_ip", "outcome", "cleared_at")
    actions = ["clear_lockout"]

    @admin.action(description="解除查询限制（所选记录的案件编号和来源地址）", permissions=["clear"])
    def clear_lockout(self, request, queryset):
        cleared = party_query_lockout_clear(
            actor=request.user, attempt_ids=list(queryset.values_list("pk", flat=True))
        )
        messages.success(
            request, f"已解除查询限制：{cleared} 次失败不再计入。当事人现在可以重新查询。"
        )

    def has_clear_permission(self, request):
        return request.user.has_perm("cases.change_partyqueryattempt")

    list_filter = ("outcome",)
    search_fields = ("case_number", "client_ip")
    date_hierarchy = "at"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
