"""``sanxiang acts import-permits FILE --agency CREDIT_CODE``: load 行政许可 decisions (.csv
streamed, or .xlsx; columns in docs/operations/permits.md) all or nothing, with a progress bar,
printing every bad row. ``sanxiang acts load-fields``: the fields of the other kinds of act
(data/acts/fields.csv)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanxiang.acts.fields import act_fields_load
from sanxiang.acts.importing import file_rows
from sanxiang.acts.services import permits_import
from sanxiang.core.legal_rows import DataFileError
from sanxiang.core.progress import Progress
from sanxiang.errors import DomainError
from sanxiang.org.importing import ImportRejected
from sanxiang.org.models import Agency


class Command(BaseCommand):
    help = "行政许可 and other acts: import permits, load the fields of the other acts."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import-permits", help="import a 行政许可 file (.csv or .xlsx)")
        load.add_argument("file", type=Path)
        load.add_argument("--agency", required=True, help="统一社会信用代码 of the agency")
        load.add_argument("--source", default="导入", help="录入方式 recorded with each permit")
        fields = sub.add_parser("load-fields", help="load data/acts/fields.csv")
        fields.add_argument("--replace", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load-fields":
            try:
                report = act_fields_load(replace=options["replace"])
            except DataFileError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(
                f"新增 {len(report.added)} 项，未变 {report.unchanged} 项，"
                f"与文件不同 {len(report.differing)} 项，已覆盖 {len(report.replaced)} 项。"
            )
            return
        agency = Agency.objects.filter(credit_code=options["agency"].strip().upper()).first()
        if agency is None:
            raise CommandError(f"没有统一社会信用代码为 {options['agency']} 的执法主体。")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"无法读取文件 {path}。")
        try:
            rows, digest = file_rows(path)
            total = sum(1 for _ in rows())
            with Progress("导入行政许可", total=total, stream=self.stderr) as bar:
                result = permits_import(
                    agency=agency,
                    rows=rows,
                    file_sha256=digest,
                    actor=None,
                    source=options["source"],
                    progress=bar.update,
                )
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(f"第 {error.row} 行「{error.column}」：{error.message}")
            raise CommandError(exc.message) from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{agency.name}：导入行政许可 {result.created} 件"
            f"（文件 SHA-256 {result.file_sha256}）。"
        )
