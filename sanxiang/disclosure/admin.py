"""管理后台 for 执法公示: the periods an agency sets (each edit a ledger event)."""

from django.contrib import admin
from django.db import models

from sanxiang.disclosure.models import (
    AnnualFigureDefinition,
    CreditPeriodRule,
    CreditSeverityDefault,
    Delivery,
    DeliveryAttempt,
    PublicationPeriod,
    PushTarget,
    RepublicationPeriod,
)
from sanxiang.ledger.admin_support import LedgeredAdmin


@admin.register(PublicationPeriod)
class PublicationPeriodAdmin(LedgeredAdmin):
    """Loaded from data/disclosure/periods.csv (``sanxiang periods load``); an edit applies to
    decisions made from then on."""

    list_display = ("kind", "working_days", "basis")


@admin.register(RepublicationPeriod)
class RepublicationPeriodAdmin(LedgeredAdmin):
    """Loaded from data/disclosure/republication.csv (``sanxiang periods load``); an edit
    applies to changes noticed from then on."""

    list_display = ("cause", "working_days", "basis")


@admin.register(PushTarget)
class PushTargetAdmin(LedgeredAdmin):
    """Where published decisions are pushed (docs/operations/push.md); none by default."""

    list_display = ("name", "agency", "url", "enabled", "max_attempts")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ("number", "started_at", "duration_ms", "http_status", "error", "runner")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The outbox and its log, read-only: a failed delivery is retried from the office."""

    list_display = ("pk", "event", "publication", "target", "status", "attempts", "sent_at")
    list_filter = ("status", "event", "target")
    inlines = [DeliveryAttemptInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AnnualFigureDefinition)
class AnnualFigureDefinitionAdmin(LedgeredAdmin):
    """统计年报指标: labels, 统计口径, 依据 and order (data/disclosure/annual_report.csv is where
    they start). The code computes one value per 代码, so figures are edited, never added or
    deleted; ``sanxiang report definitions`` reports rows that differ from the file."""

    list_display = ("position", "section", "label", "unit")
    list_display_links = ("label",)
    list_filter = ("section",)
    search_fields = ("label", "definition", "source", "key")
    fields = ("key", "position", "section", "label", "unit", "definition", "source")
    readonly_fields = ("key",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CreditPeriodRule)
class CreditPeriodRuleAdmin(LedgeredAdmin):
    """信用公示期限 by the rule in force on the decision date (data/disclosure/credit_periods.csv
    is where they start; ``sanxiang credit load`` reports rows that differ from it). A new rule
    is a new set of rows from its 施行日期; decisions made before it keep the earlier rows."""

    list_display = ("in_force_from", "regime", "severity", "min_months", "max_months", "basis")
    list_filter = ("regime", "severity")


@admin.register(CreditSeverityDefault)
class CreditSeverityDefaultAdmin(LedgeredAdmin):
    """The 失信程度 a decision of each penalty kind gets unless a 负责人 or 法制审核人员 changes it
    (data/disclosure/credit_severity.csv; a kind without a row counts as 一般失信)."""

    list_display = ("penalty_kind", "severity", "note")
