"""``sanxiang credit load [--periods CSV] [--severities CSV] [--replace]``: load the credit
publication periods (信用公示期限) and the default 失信程度 of each penalty kind from
data/disclosure/; keeps, and lists, rows edited in 管理后台."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanxiang.disclosure.credit import PERIODS_FILE, SEVERITIES_FILE, credit_rules_load
from sanxiang.disclosure.legal_rows import DataFileError, report_lines


class Command(BaseCommand):
    help = "Load credit publication periods and default severities from their cited files."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load")
        load.add_argument("--periods", default=str(PERIODS_FILE), help="信用公示期限文件")
        load.add_argument(
            "--severities", default=str(SEVERITIES_FILE), help="处罚种类默认失信程度文件"
        )
        load.add_argument(
            "--replace", action="store_true", help="以文件为准覆盖在管理后台改过的行（记入台账）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        files = Path(options["periods"]), Path(options["severities"])
        for path in files:
            if not path.is_file():
                raise CommandError(f"找不到文件 {path} (no such file)")
        try:
            periods, severities = credit_rules_load(
                periods_file=files[0], severities_file=files[1], replace=options["replace"]
            )
        except DataFileError as exc:
            raise CommandError(exc.message) from exc
        for line in [
            *report_lines("信用公示期限", periods),
            *report_lines("处罚种类默认失信程度", severities),
        ]:
            self.stdout.write(line)
