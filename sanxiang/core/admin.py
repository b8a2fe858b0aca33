from django import forms
from django.contrib import admin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import HttpRequest

from sanxiang.core.models import CalendarDay, CalendarYear
from sanxiang.core.selectors import get_calendar
from sanxiang.core.services import calendar_schedule_entered
from sanxiang.ledger.admin_support import LedgeredAdmin
from sanxiang.ledger.services import actor_for


def _schedule_entered(request: HttpRequest, year: int) -> None:
    """Entering a year here moves stored dates exactly as ``workdays import-year`` does (in the
    admin's transaction); a day corrected in a known year does too."""
    if year in get_calendar().years:
        calendar_schedule_entered(year=year, actor=actor_for(request.user))


def _year_bounds() -> tuple[int, int]:
    """The years ``CalendarYear.year`` accepts, from its validators."""
    validators = CalendarYear._meta.get_field("year").validators
    low = max(v.limit_value for v in validators if isinstance(v, MinValueValidator))
    high = min(v.limit_value for v in validators if isinstance(v, MaxValueValidator))
    return int(low), int(high)


class CalendarYearForm(forms.ModelForm):
    """Declaring a year complete recomputes every provisional due date that reaches it, so
    its holidays must be entered (节假日调整) before the year itself, as the import does."""

    class Meta:
        model = CalendarYear
        fields = ("year", "source", "note")

    def clean_year(self) -> int:
        year: int = self.cleaned_data["year"]
        low, high = _year_bounds()
        if not low <= year <= high:
            # The model's own validator words the error; a date lookup on such a year would
            # raise (a server error) before it is reached.
            return year
        if (
            self.instance.pk is None
            and not CalendarDay.objects.filter(date__year=year, is_workday=False).exists()
        ):
            raise forms.ValidationError(
                f"请先在“节假日调整”中逐日录入 {year} 年的放假日期和调休上班日，再录入年度："
                "录入年度后，跨入该年度的暂定期限将立即按该年度安排重新计算。"
            )
        return year


@admin.register(CalendarYear)
class CalendarYearAdmin(LedgeredAdmin):
    form = CalendarYearForm
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
