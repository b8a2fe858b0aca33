"""``sanxiang periods load [--publication CSV] [--republication CSV] [--replace]``: load the
公示期限 and 公示调整期限 from data/disclosure/; keeps, and lists, rows edited in 管理后台."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanxiang.disclosure.legal_rows import DataFileError, report_lines
from sanxiang.disclosure.periods import (
    PUBLICATION_FILE,
    REPUBLICATION_FILE,
    disclosure_periods_load,
)


class Command(BaseCommand):
    help = "Load publication and republication periods from their cited files."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load")
        load.add_argument("--publication", default=str(PUBLICATION_FILE), help="公示期限文件")
        load.add_argument(
            "--republication", default=str(REPUBLICATION_FILE), help="公示调整期限文件"
        )
        load.add_argument(
            "--replace", action="store_true", help="以文件为准覆盖在管理后台改过的行（记入台账）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        files = Path(options["publication"]), Path(options["republication"])
        for path in files:
            if not path.is_file():
                raise CommandError(f"找不到文件 {path} (no such file)")
        try:
            publication, republication = disclosure_periods_load(
                publication_file=files[0], republication_file=files[1], replace=options["replace"]
            )
        except DataFileError as exc:
            raise CommandError(exc.message) from exc
        for line in [
            *report_lines("公示期限", publication),
            *report_lines("公示调整期限", republication),
        ]:
            self.stdout.write(line)
