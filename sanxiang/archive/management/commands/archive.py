"""``sanxiang archive build|verify|export|retention-load``.

- ``build CASE_NUMBER [--out FILE]``: write the case's sealed 电子案卷 package (the one its 归档
  step recorded; sealed now, by the system, for a case archived before packages existed). A
  case not yet closed is refused, citing 行政处罚法第四十七条, and nothing changes.
- ``verify PACKAGE [--key PEM-FILE|KEY-ID]``: check a package offline (no database); a report
  in Chinese, exit 1 on any failure. ``PACKAGE`` may also be an evidence-only bag directory
  made by ``export``.
- ``export CASE_NUMBER [--out DIR]``: the evidence records of a case as a BagIt directory
  (``sanxiang.evidence.archive``), as before.
- ``retention-load [--file CSV] [--replace]``: load 保管期限 from data/archive/retention.csv.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanxiang.archive.retention import RETENTION_FILE, retention_load
from sanxiang.archive.services import archive_build, package_bytes
from sanxiang.archive.verify import package_verify
from sanxiang.core.identifiers import case_number_normalise
from sanxiang.core.legal_rows import DataFileError, report_lines
from sanxiang.errors import DomainError
from sanxiang.evidence.archive import ArchiveInvalid, archive_export, archive_verify
from sanxiang.ledger.signing import key_id

_UNSAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


class Command(BaseCommand):
    help = "Build or verify a case's archive package (电子案卷), or export its evidence records."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        build = sub.add_parser("build")
        build.add_argument("case_number")
        build.add_argument("--out", type=Path, default=None, help="归档包保存路径（.zip）")
        check = sub.add_parser("verify")
        check.add_argument("package", type=Path)
        check.add_argument(
            "--key",
            "--key-id",
            dest="key",
            default="",
            help="执法主体公钥：PEM 文件路径或密钥标识（从门户“签名公钥”页面取得）",
        )
        export = sub.add_parser("export")
        export.add_argument("case_number")
        export.add_argument("--out", type=Path, default=Path("."))
        load = sub.add_parser("retention-load")
        load.add_argument("--file", type=Path, default=RETENTION_FILE)
        load.add_argument("--replace", action="store_true", help="以文件为准覆盖在管理后台改过的行")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "verify":
            self._verify(options["package"], options["key"])
        elif action == "build":
            self._build(options["case_number"], options["out"])
        elif action == "export":
            try:
                number = case_number_normalise(options["case_number"])  # [2026] as 〔2026〕
                bag = archive_export(case_number=number, out_dir=options["out"])
            except DomainError as exc:
                raise CommandError(exc.message, returncode=2) from exc
            self.stdout.write(str(bag))
        else:
            try:
                report = retention_load(path=options["file"], replace=options["replace"])
            except DataFileError as exc:
                raise CommandError(exc.message) from exc
            for line in report_lines("电子案卷保管期限", report):
                self.stdout.write(line)

    def _build(self, case_number: str, out: Path | None) -> None:
        try:
            archive = archive_build(case_number=case_number)
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        target = out or Path(f"{_UNSAFE.sub('_', case_number_normalise(case_number))}.zip")
        with target.open("xb") as handle:
            for chunk in package_bytes(archive):
                handle.write(chunk)
        self.stdout.write(f"{target}\nSHA-256 {archive.package_sha256}")

    def _verify(self, package: Path, key: str) -> None:
        if key and Path(key).is_file():
            key = Path(key).read_text(encoding="utf-8")
        if package.is_dir():  # an evidence bag made by ``export``
            try:
                wanted = key_id(key) if "BEGIN PUBLIC KEY" in key else key.strip()
                self.stdout.write(archive_verify(package, expected_key_id=wanted))
            except (ArchiveInvalid, OSError, ValueError, KeyError) as exc:
                self.stderr.write(f"FAILED: {exc}")
                raise SystemExit(1) from exc
            return
        if not package.is_file():
            self.stderr.write(f"核验未通过：找不到归档包 {package}")
            raise SystemExit(1)
        report = package_verify(package, trusted_key=key)
        self.stdout.write(report.text())
        if not report.passed:
            raise SystemExit(1)
