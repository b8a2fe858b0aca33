"""``sanxiang training import FILE --agency CREDIT_CODE``: add a 培训记录 list (.xlsx or .csv;
columns in docs/operations/training.md) to an agency's officers, all or nothing, printing every
bad row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sanxiang.org.import_commands import import_refused, import_source
from sanxiang.org.importing import ImportFileError, ImportRejected
from sanxiang.org.training import trainings_import


class Command(BaseCommand):
    help = "Training records (培训记录): import a list of courses and hours per officer."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="import a 培训记录 file")
        load.add_argument("file", type=Path)
        load.add_argument("--agency", required=True, help="统一社会信用代码 of the agency")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        agency, content = import_source(options["agency"], path)
        try:
            result = trainings_import(
                agency=agency,
                filename=path.name,
                content=content,
                actor="system",
                today=timezone.localdate(),
            )
        except ImportRejected as exc:
            raise import_refused(self.stderr, exc) from exc
        except ImportFileError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{agency.name}：导入 {result.created} 条培训记录"
            f"（文件 SHA-256 {result.file_sha256}）。"
        )
