"""``sanxiang workdays``: working-day arithmetic from the command line."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanxiang.core import selectors as cal
from sanxiang.core.services import calendar_year_import, parse_schedule_csv
from sanxiang.errors import DomainError

EXIT_REFUSED = 2


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            f"日期“{value}”格式不正确，应为 YYYY-MM-DD / invalid date {value!r}",
            returncode=EXIT_REFUSED,
        ) from exc


class Command(BaseCommand):
    help = "Working days (工作日): add, is-workday, between, import-year."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="the N-th working day after DATE (DATE not counted)")
        add.add_argument("start")
        add.add_argument("n", type=int)
        check = sub.add_parser("is-workday", help="print yes or no")
        check.add_argument("day")
        between = sub.add_parser("between", help="working days after START up to END")
        between.add_argument("start")
        between.add_argument("end")
        load = sub.add_parser("import-year", help="enter a year's official schedule from CSV")
        load.add_argument("file", type=Path)
        load.add_argument("--year", type=int, required=True)
        load.add_argument("--source", required=True, help="the State Council notice and 文号")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self.stdout.write(self._run(options))
        except DomainError as exc:
            raise CommandError(
                f"{exc.message}\n{exc.log_message}", returncode=EXIT_REFUSED
            ) from exc

    def _run(self, options: dict[str, Any]) -> str:
        action = options["action"]
        if action == "add":
            if options["n"] < 1:
                raise CommandError("N 应为正整数 / N must be positive", returncode=EXIT_REFUSED)
            return cal.add_workdays(_date(options["start"]), options["n"]).isoformat()
        if action == "is-workday":
            return "yes" if cal.is_workday(_date(options["day"])) else "no"
        if action == "between":
            return str(cal.workdays_between(_date(options["start"]), _date(options["end"])))
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"无法读取文件 {path}：{exc}", returncode=EXIT_REFUSED) from exc
        record = calendar_year_import(
            year=options["year"], source=options["source"], days=parse_schedule_csv(text)
        )  # run by an operator on the server: recorded as the system
        return f"已录入 {record.year} 年节假日安排 / imported schedule for {record.year}"
