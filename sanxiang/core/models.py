"""Administrator-maintained calendar data (DESIGN.md rule 7: legal data is data)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from sanxiang.core.workdays import package_calendar


class CalendarYear(models.Model):
    """A year whose official schedule an administrator has entered in full (节假日安排年度).

    Declaring a year says: every holiday and every weekend working day (调休上班) of that year
    is in ``CalendarDay``, so the remaining days follow Monday to Friday.
    """

    year = models.PositiveSmallIntegerField(
        "年度",
        unique=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    source = models.CharField(
        "依据",
        max_length=200,
        help_text="例如：国务院办公厅关于2027年部分节假日安排的通知（文号）",
    )
    note = models.TextField("备注", blank=True)
    entered_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "节假日安排年度"
        verbose_name_plural = "节假日安排年度"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} 年"

    def clean(self) -> None:
        if self.year in package_calendar().years:
            raise ValidationError(
                {
                    "year": f"{self.year} 年的国务院节假日安排已随系统提供，无需整年录入；"
                    "个别日期需要更正时，请在“节假日调整”中逐日录入。"
                }
            )


class CalendarDay(models.Model):
    """One day whose status differs from the default (法定节假日 or 调休上班日)."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日")
    note = models.CharField("说明", max_length=100, help_text="例如：春节、国庆节、调休上班")
    source = models.CharField("依据", max_length=200)

    class Meta:
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"
        ordering = ["date"]

    def __str__(self) -> str:
        kind = "工作日" if self.is_workday else "休息日"
        return f"{self.date:%Y-%m-%d} {kind}（{self.note}）"


class ProvisionalDeadline(models.Model):
    """A stored working-day due date that was counted Monday to Friday into a year whose
    schedule was not entered yet (暂定), with what it was computed from.

    One table for every such date rather than a flag column next to each ``due_on``: the
    recompute needs the start and the number of working days, which the owning rows do not
    keep uniformly (a case's step limit does not store the day its step began), and one table
    gives one recompute and one 暂定 lookup for all of them. The table is empty for most of
    the year and holds, around New Year, only the deadlines opened in the last weeks before
    the schedule is entered. ``object_type`` is the owner's ``app_label.model``; the row goes
    when the owner's field is recomputed, or overwritten with an exact date.
    """

    object_type = models.CharField("对象类型", max_length=60)
    object_id = models.PositiveBigIntegerField("对象编号")
    field = models.CharField("期限字段", max_length=60)
    start = models.DateField("起算日")
    workdays = models.PositiveSmallIntegerField("工作日数")
    due_on = models.DateField("暂定期限")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "暂定期限"
        verbose_name_plural = "暂定期限"
        constraints = [
            models.UniqueConstraint(
                fields=["object_type", "object_id", "field"], name="provisional_deadline_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.object_type}#{self.object_id}.{self.field} {self.due_on:%Y-%m-%d}（暂定）"
