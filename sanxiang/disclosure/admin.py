"""管理后台 for 执法公示: the periods an agency sets (each edit a ledger event)."""

from django.contrib import admin

from sanxiang.disclosure.models import PublicationPeriod, RepublicationPeriod
from sanxiang.ledger.admin_support import LedgeredAdmin


@admin.register(PublicationPeriod)
class PublicationPeriodAdmin(LedgeredAdmin):
    """Rows here override data/disclosure/periods.csv for new decisions."""

    list_display = ("kind", "working_days", "basis")


@admin.register(RepublicationPeriod)
class RepublicationPeriodAdmin(LedgeredAdmin):
    """Rows here override data/disclosure/republication.csv for changes noticed from now on."""

    list_display = ("cause", "working_days", "basis")
