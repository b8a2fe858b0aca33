"""管理后台 for acts: the fields of the other kinds of act are edited here (each edit a ledger
event); recorded permits and acts are read-only (they change only through the services)."""

from django.contrib import admin

from sanxiang.acts.models import ActField, OtherAct, Permit
from sanxiang.ledger.admin import ReadOnlyAdmin
from sanxiang.ledger.admin_support import LedgeredAdmin


@admin.register(ActField)
class ActFieldAdmin(LedgeredAdmin):
    list_display = ("kind", "position", "key", "label", "required", "public")
    list_filter = ("kind",)


@admin.register(Permit)
class PermitAdmin(ReadOnlyAdmin):
    list_display = ("decision_number", "agency", "decision", "party_name", "decided_on", "standing")
    list_filter = ("agency", "decision", "standing")
    search_fields = ("decision_number", "party_name")


@admin.register(OtherAct)
class OtherActAdmin(ReadOnlyAdmin):
    list_display = ("decision_number", "agency", "kind", "party_name", "decided_on")
    list_filter = ("agency", "kind")
