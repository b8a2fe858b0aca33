"""``sanxiang officers import FILE``: the officer list import, from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanxiang.errors import DomainError
from sanxiang.org.importing import OfficerImportRejected
from sanxiang.org.services import officers_import


class Command(BaseCommand):
    help = "Import officers from an .xlsx or .csv file; any bad row imports nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import")
        load.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        limit = settings.SANXIANG_IMPORT_MAX_BYTES
        try:
            with path.open("rb") as handle:
                content = handle.read(limit + 1)
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc.strerror}", returncode=2) from exc
        try:
            created = officers_import(
                actor=None, filename=path.name, content=content, max_bytes=limit
            )
        except OfficerImportRejected as exc:
            lines = [exc.message] + [f"第 {e.row} 行 [{e.column}] {e.message}" for e in exc.errors]
            raise CommandError("\n".join(lines), returncode=2) from exc
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        self.stdout.write(f"已导入 {len(created)} 名执法人员。")
