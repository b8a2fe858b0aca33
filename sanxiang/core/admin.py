from django.contrib import admin

from sanxiang.core.models import CalendarDay, CalendarYear
from sanxiang.ledger.admin_support import LedgeredAdmin


@admin.register(CalendarYear)
class CalendarYearAdmin(LedgeredAdmin):
    list_display = ("year", "source", "entered_at")
    search_fields = ("source",)


@admin.register(CalendarDay)
class CalendarDayAdmin(LedgeredAdmin):
    list_display = ("date", "is_workday", "note", "source")
    list_filter = ("is_workday",)
    date_hierarchy = "date"
    search_fields = ("note", "source")
