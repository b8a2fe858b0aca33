"""``sanxiang export publications --format csv|xlsx|json [--since DATE] [--out FILE]``."""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanxiang.core.progress import Progress
from sanxiang.disclosure.exporting import exported, write_csv, write_json, write_xlsx


class Command(BaseCommand):
    help = "Export published decisions in the 双公示 fields (streamed; ID numbers never exported)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        publications = sub.add_parser("publications")
        publications.add_argument("--format", choices=("csv", "xlsx", "json"), default="csv")
        publications.add_argument("--since", help="决定日期不早于 YYYY-MM-DD")
        publications.add_argument("--out", help="output file (required for xlsx; default stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        since = None
        if options["since"]:
            try:
                since = date.fromisoformat(options["since"])
            except ValueError:
                raise CommandError(
                    f"日期格式应为 YYYY-MM-DD：{options['since']} (bad --since)"
                ) from None
        fmt, out = options["format"], options["out"]
        if fmt == "xlsx" and not out:
            raise CommandError("导出 Excel 须指定 --out 文件 (--out is required for xlsx)")
        total = exported(since=since).count()
        with Progress("导出公示", total, stream=self.stderr) as bar:
            if fmt == "xlsx":
                count = write_xlsx(out, since=since, progress=bar.advance)
            else:
                writer = write_csv if fmt == "csv" else write_json
                if out:
                    with open(out, "w", encoding="utf-8", newline="") as handle:
                        count = writer(handle, since=since, progress=bar.advance)
                else:
                    # The raw stream: rows are written as they are read, nothing is buffered.
                    raw = getattr(self.stdout, "_out", sys.stdout)
                    count = writer(raw, since=since, progress=bar.advance)
        self.stderr.write(f"已导出 {count} 条公示 ({count} rows)")
