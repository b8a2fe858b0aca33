"""``sanxiang backup AREA``: a backup set of this installation (docs/operations/backup.md)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanxiang.backup.files import BackupProblem, load_manifest
from sanxiang.backup.services import backup_make


class Command(BaseCommand):
    help = (
        "备份整个安装：数据库（PostgreSQL 基础备份 + WAL 归档，或 SQLite 在线备份）、证据对象的"
        "全部版本、签名密钥与文书，并写出带 SHA-256 的清单"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("area", type=Path, help="备份区目录（每次备份写入其中的一个子目录）")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            path = backup_make(area=options["area"].resolve(), say=self.stdout.write)
        except BackupProblem as problem:
            raise CommandError(f"备份失败：{problem}") from None
        manifest = load_manifest(path)
        self.stdout.write(
            f"备份完成：{path}（{len(manifest['files'])} 个文件，{manifest['size']} 字节，"
            f"用时 {time.monotonic() - started:.1f} 秒）"
        )
