"""Entering a new year's schedule (sanxiang workdays import-year)."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sanxiang.core import selectors as workdays
from sanxiang.core.models import CalendarDay, CalendarYear
from sanxiang.core.services import calendar_year_import, parse_schedule_csv
from sanxiang.core.workdays import package_calendar
from sanxiang.errors import DomainError

YEAR = max(package_calendar().years) + 1
# Fictional schedule for the tests: one three-day break and one weekend working day.
SCHEDULE = f"""日期,是否工作日,说明
{YEAR}-01-01,否,元旦
{YEAR}-05-03,否,测试假日
{YEAR}-05-04,否,测试假日
{YEAR}-05-09,是,调休上班
"""


@pytest.mark.django_db
def test_import_year_makes_deadlines_in_that_year_computable(tmp_path):
    path = tmp_path / "schedule.csv"
    path.write_text(SCHEDULE, encoding="utf-8")
    out = StringIO()
    call_command(
        "workdays",
        "import-year",
        str(path),
        "--year",
        str(YEAR),
        "--source",
        "测试通知",
        stdout=out,
    )
    assert f"{YEAR}" in out.getvalue()
    assert CalendarYear.objects.get(year=YEAR).source == "测试通知"
    assert CalendarDay.objects.count() == 4
    assert workdays.is_workday(date(YEAR, 5, 9))
    assert not workdays.is_workday(date(YEAR, 5, 4))


@pytest.mark.django_db
def test_a_bad_line_refuses_the_whole_file():
    bad = SCHEDULE + f"{YEAR}-13-01,否,不存在的日期\n{YEAR}-06-01,也许,说不清\n"
    with pytest.raises(DomainError) as caught:
        parse_schedule_csv(bad)
    assert "第 6 行" in caught.value.message
    assert "第 7 行" in caught.value.message
    assert CalendarYear.objects.count() == 0


@pytest.mark.django_db
def test_dates_of_another_year_are_refused():
    days = parse_schedule_csv(SCHEDULE + f"{YEAR + 1}-01-01,否,元旦\n")
    with pytest.raises(DomainError, match="不属于"):
        calendar_year_import(year=YEAR, source="测试通知", days=days)
    assert not CalendarYear.objects.exists()
    assert not CalendarDay.objects.exists()


@pytest.mark.django_db
def test_a_year_the_package_covers_is_refused():
    days = parse_schedule_csv("2026-01-01,否,元旦\n")
    with pytest.raises(DomainError, match="已随系统提供"):
        calendar_year_import(year=2026, source="测试通知", days=days)


@pytest.mark.django_db
def test_cli_add_and_between_print_the_answer():
    out = StringIO()
    call_command("workdays", "add", "2025-09-30", "3", stdout=out)
    call_command("workdays", "is-workday", "2026-02-14", stdout=out)
    call_command("workdays", "between", "2026-02-13", "2026-02-24", stdout=out)
    assert out.getvalue().split() == ["2025-10-11", "yes", "2"]


@pytest.mark.django_db
def test_cli_unknown_year_exits_with_status_2_and_the_message():
    with pytest.raises(CommandError) as caught:
        call_command("workdays", "add", f"{YEAR}-03-01", "3")
    assert caught.value.returncode == 2
    assert f"{YEAR} 年的法定节假日安排尚未录入" in str(caught.value)


@pytest.mark.django_db
def test_cli_garbage_date_exits_with_status_2():
    with pytest.raises(CommandError) as caught:
        call_command("workdays", "is-workday", "明天")
    assert caught.value.returncode == 2
    assert "YYYY-MM-DD" in str(caught.value)


def test_console_script_end_to_end(instance):
    """The installed ``sanxiang`` command, as a user types it."""
    assert instance.sanxiang("workdays", "add", "2025-09-30", "3").stdout.strip() == "2025-10-11"
    assert instance.sanxiang("workdays", "is-workday", "2026-02-14").stdout.strip() == "yes"
    assert (
        instance.sanxiang("workdays", "between", "2026-02-13", "2026-02-24").stdout.strip() == "2"
    )
    refused = instance.sanxiang("workdays", "add", f"{YEAR}-03-01", "3", check=False)
    assert refused.returncode == 2
    assert f"{YEAR} 年的法定节假日安排尚未录入" in refused.stderr
