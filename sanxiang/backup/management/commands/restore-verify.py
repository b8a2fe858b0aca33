"""``sanxiang restore-verify SET``: prove this installation against a backup set's manifest
(run by ``sanxiang restore`` in the installation it builds; an operator may run it again).

The module is named as the command is typed (Django names commands after their modules).
"""

# ruff: noqa: N999

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanxiang.backup.files import BackupProblem, load_manifest
from sanxiang.backup.verify import installation_verify, objects_restore


class Command(BaseCommand):
    help = "核对本安装与一份备份的清单：签名树头、账本校验、每个证据文件的 SHA-256"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup_set", type=Path, help="一份备份（含 manifest.json 的目录）")
        parser.add_argument(
            "--objects", action="store_true", help="先把备份中的证据对象写入本安装的证据存储"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        backup_set = options["backup_set"].resolve()
        try:
            manifest = load_manifest(backup_set)
            if options["objects"]:
                self.stdout.write(objects_restore(backup_set, manifest))
        except BackupProblem as error:
            raise CommandError(str(error)) from None
        report = installation_verify(manifest, say=self.stdout.write)
        for line in report.checked:
            self.stdout.write(f"✓ {line}")
        if not report.ok:
            for problem in report.problems[:50]:
                self.stderr.write(f"✗ {problem}")
            raise CommandError(f"恢复校验未通过：{len(report.problems)} 处不符（见上）")
        self.stdout.write("恢复校验通过：账本的根与备份时的签名树头一致，证据文件完好。")
