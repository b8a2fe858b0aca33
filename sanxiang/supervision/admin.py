"""干预记录, 指标评分, 材料佐证 and 适用认定 in the 管理后台: read-only (the rows are append-only;
they are written only by ``services`` and ``attestation``). The indicators of the 指标体系 are
editable (text, points, how scored), neither added nor deleted."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from sanxiang.supervision.models import (
    ATTEST,
    Applicability,
    Attestation,
    AttestationReview,
    Indicator,
    IndicatorScore,
    Interference,
)


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


class _ScoredBy(admin.SimpleListFilter):
    title = "计分方式"
    parameter_name = "scored"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [
            ("auto", "平台数据自动计分"),
            ("attest", "材料佐证、监督确认"),
            ("manual", "监督人员评分"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Indicator]) -> QuerySet[Indicator]:
        if self.value() == "auto":
            return queryset.filter(scoring__startswith="auto:")
        if self.value() == "attest":
            return queryset.filter(scoring=ATTEST)
        if self.value() == "manual":
            return queryset.exclude(scoring__startswith="auto:").exclude(scoring=ATTEST)
        return queryset


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    """Text, points and scoring are the administrator's (data/supervision/indicators.csv is the
    shipped table); an ``auto:`` key must name a scorer in ``supervision.scorers``."""

    list_display = ("number", "text", "points", "how_scored", "primary")
    list_filter = ("primary", _ScoredBy)
    search_fields = ("text",)
    readonly_fields = ("number",)

    @admin.display(description="计分方式", ordering="scoring")
    def how_scored(self, obj: Indicator) -> str:
        """The list says how in words; the field keeps ``auto:<key>`` / ``attest`` / ``manual``."""
        if obj.auto_key:
            return "平台数据自动计分"
        return "材料佐证、监督确认" if obj.attested else "监督人员评分"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(IndicatorScore)
class IndicatorScoreAdmin(admin.ModelAdmin):
    list_display = ("agency", "year", "indicator", "score", "scored_by", "scored_at")
    list_filter = ("year", "agency")
    list_select_related = ("agency", "indicator", "scored_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Attestation)
class AttestationAdmin(_ReadOnly):
    list_display = ("agency", "year", "indicator", "document_name", "filed_by", "filed_at")
    list_filter = ("year", "agency")
    list_select_related = ("agency", "indicator", "filed_by")


@admin.register(AttestationReview)
class AttestationReviewAdmin(_ReadOnly):
    list_display = ("attestation", "outcome", "score", "reviewed_by", "reviewed_at")
    list_filter = ("outcome",)
    list_select_related = ("attestation", "reviewed_by")


@admin.register(Applicability)
class ApplicabilityAdmin(_ReadOnly):
    list_display = ("agency", "year", "indicator", "applicable", "marked_by", "marked_at")
    list_filter = ("year", "applicable")
    list_select_related = ("agency", "indicator", "marked_by")


# --- 执法监督意见 ---------------------------------------------------------------------------------

from sanxiang.ledger.admin_support import LedgeredAdmin  # noqa: E402
from sanxiang.supervision.opinions.models import Opinion, OpinionBasis  # noqa: E402


@admin.register(OpinionBasis)
class OpinionBasisAdmin(LedgeredAdmin):
    """The bases a supervision document may cite and their answer periods (data/supervision/
    opinion_bases.csv); every change is a ledger event. Disabled, not deleted: issued
    documents cite them."""

    list_display = ("citation", "kind", "answer_workdays", "enabled")
    list_filter = ("kind", "enabled")

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Opinion)
class OpinionAdmin(admin.ModelAdmin):
    """Read-only: opinions are written only by the services (``supervision.opinions.services``)."""

    list_display = ("number", "kind", "agency", "case", "issued_on", "answer_due_on", "status")
    list_filter = ("kind", "status", "body")
    list_select_related = ("agency", "case")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


# --- 报送 -----------------------------------------------------------------------------------------

from sanxiang.supervision.reporting_models import ReportingDeadline, Submission  # noqa: E402


@admin.register(ReportingDeadline)
class ReportingDeadlineAdmin(LedgeredAdmin):
    """The periods of 报送 (data/supervision/reporting.csv): a fixed day of the year after the
    report year, or working days after publication; every change is a ledger event. Neither
    added nor deleted: the code reads them by key."""

    list_display = ("name", "described", "basis")
    readonly_fields = ("key",)

    @admin.display(description="期限")
    def described(self, obj: ReportingDeadline) -> str:
        return obj.described

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Read-only: written only by ``supervision.reporting``."""

    list_display = ("agency", "year", "kind", "body", "submitted_on", "on_time", "status")
    list_filter = ("year", "kind", "status", "on_time", "body")
    list_select_related = ("agency", "body")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
