"""The catalogue, the materials list and the review rules are edited here (each edit a ledger
event). Reviews themselves are written only by the review pages: the admin shows them read-only,
so no administrator can record an opinion or a pass around the rules."""

from django.contrib import admin

from sanxiang.ledger.admin_support import LedgeredAdmin
from sanxiang.review.models import CatalogueRule, RequiredMaterial, Review, ReviewPolicy


@admin.register(CatalogueRule)
class CatalogueRuleAdmin(LedgeredAdmin):
    list_display = ("agency", "position", "title", "procedure", "penalty_kind", "case_flag",
                    "hearing_held", "min_amount_yuan", "is_active")  # fmt: skip
    list_filter = ("agency", "is_active", "procedure")


@admin.register(RequiredMaterial)
class RequiredMaterialAdmin(LedgeredAdmin):
    list_display = ("agency", "position", "name", "procedure", "source", "only_if_heard")
    list_filter = ("agency", "procedure", "source")


@admin.register(ReviewPolicy)
class ReviewPolicyAdmin(LedgeredAdmin):
    list_display = ("agency", "review_days", "exclude_own_unit")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("case", "agency", "status", "reviewer", "due_on", "submitted_at")
    list_filter = ("agency", "status")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
