"""Case master data in the admin: the numbering rules (机关代字) per agency and kind."""

from django.contrib import admin

from sanxiang.cases.models import CaseRules, NumberingRule
from sanxiang.ledger.admin_support import LedgeredAdmin


@admin.register(NumberingRule)
class NumberingRuleAdmin(LedgeredAdmin):
    list_display = ("agency", "kind", "prefix")
    list_filter = ("agency", "kind")


@admin.register(CaseRules)
class CaseRulesAdmin(LedgeredAdmin):
    list_display = ("agency", "extension_days", "extensions_by_head")
