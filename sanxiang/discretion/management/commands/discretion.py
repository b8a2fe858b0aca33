"""``sanxiang discretion import FILE --agency CREDIT_CODE [--publish]``: load a 裁量基准 file
(.xlsx or .csv; format in docs/operations/discretion.md) as a draft version, all or nothing,
printing every bad row; ``--publish`` puts it in force at once (as the agency's 负责人 would)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanxiang.discretion.services import benchmark_import, benchmark_publish
from sanxiang.errors import DomainError
from sanxiang.org.import_commands import import_refused, import_source
from sanxiang.org.importing import ImportRejected


class Command(BaseCommand):
    help = "行政处罚裁量基准: import a benchmark file as a new version."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="import a 裁量基准 file")
        load.add_argument("file", type=Path)
        load.add_argument("--agency", required=True, help="统一社会信用代码 of the agency")
        load.add_argument("--publish", action="store_true", help="put the version in force")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        agency, content = import_source(options["agency"], path)
        try:
            benchmark = benchmark_import(agency=agency, filename=path.name, content=content)
            if options["publish"]:
                benchmark = benchmark_publish(benchmark_id=benchmark.pk)
        except ImportRejected as exc:
            raise import_refused(self.stderr, exc) from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{agency.name}：已导入裁量基准第 {benchmark.number} 版"
            f"（{benchmark.get_status_display()}，文件 SHA-256 {benchmark.file_sha256}）。"
        )
