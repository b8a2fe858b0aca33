from django.contrib import admin
from django.http import HttpRequest

from sanxiang.core.models import CalendarDay, CalendarYear
from sanxiang.core.services import calendar_schedule_entered
from sanxiang.core.workdays import get_calendar
from sanxiang.ledger.admin_support import LedgeredAdmin
from sanxiang.ledger.services import actor_for


def _schedule_entered(request: HttpRequest, year: int) -> None:
    """Entering a year here moves stored dates exactly as ``workdays import-year`` does (in the
    admin's transaction); a day corrected in a known year does too."""
    if year in get_calendar().years:
        calendar_schedule_entered(year=year, actor=actor_for(request.user))


@admin.register(CalendarYear)
class CalendarYearAdmin(LedgeredAdmin):
    list_display = ("year", "source", "entered_at")
    search_fields = ("source",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _schedule_entered(request, obj.year)


@admin.register(CalendarDay)
class CalendarDayAdmin(LedgeredAdmin):
    list_display = ("date", "is_workday", "note", "source")
    list_filter = ("is_workday",)
    date_hierarchy = "date"
    search_fields = ("note", "source")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _schedule_entered(request, obj.date.year)

    def delete_model(self, request, obj):
        year = obj.date.year
        super().delete_model(request, obj)
        _schedule_entered(request, year)
