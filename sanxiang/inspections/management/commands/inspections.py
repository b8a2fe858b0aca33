"""``sanxiang inspections import-targets FILE --agency CREDIT_CODE``: load a 检查对象名录
(.xlsx or .csv; columns in docs/operations/inspections.md) into an agency's 名录库, all or
nothing, printing every bad row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanxiang.inspections.services import targets_import
from sanxiang.org.import_commands import import_refused, import_source
from sanxiang.org.importing import ImportFileError, ImportRejected


class Command(BaseCommand):
    help = "Random inspections (双随机一公开): import the register of inspection targets."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import-targets", help="import a 检查对象名录 file")
        load.add_argument("file", type=Path)
        load.add_argument("--agency", required=True, help="统一社会信用代码 of the agency")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        agency, content = import_source(options["agency"], path)
        try:
            result = targets_import(agency=agency, filename=path.name, content=content)
        except ImportRejected as exc:
            raise import_refused(self.stderr, exc) from exc
        except ImportFileError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{agency.name}：新增 {result.created} 个检查对象，更新 {result.updated} 个"
            f"（文件 SHA-256 {result.file_sha256}）。"
        )
