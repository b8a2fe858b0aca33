"""管理后台 for 投诉举报: the deadline rules (each edit a ledger event); complaints read-only."""

from django.contrib import admin

from sanxiang.complaints.models import Complaint, ComplaintAccess, ComplaintStep, DeadlineRule
from sanxiang.ledger.admin import ReadOnlyAdmin
from sanxiang.ledger.admin_support import LedgeredAdmin


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(LedgeredAdmin):
    """Loaded from data/complaints/deadlines.csv (``sanxiang complaints load``); an edit applies
    to deadlines computed from then on (a complaint keeps the due date it was given)."""

    list_display = ("category_code", "kind", "stage", "days", "unit", "basis")


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ("code", "agency", "kind", "subject", "status", "registered_at")
    exclude = ("name", "contact", "text")


@admin.register(ComplaintStep)
class ComplaintStepAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "to_status", "agency", "at")


@admin.register(ComplaintAccess)
class ComplaintAccessAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "officer", "action", "accessed_at")
