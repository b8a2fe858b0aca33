"""``sanxiang archive export CASE`` and ``sanxiang archive verify PACKAGE``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanxiang.core.identifiers import case_number_normalise
from sanxiang.errors import DomainError
from sanxiang.evidence.archive import ArchiveInvalid, archive_export, archive_verify


class Command(BaseCommand):
    help = "Export a case's records as a self-verifying package, or verify one offline."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export")
        export.add_argument("case_number")
        export.add_argument("--out", type=Path, default=Path("."))
        check = sub.add_parser("verify")
        check.add_argument("package", type=Path)
        check.add_argument(
            "--key-id", default="", help="require this signing key (from the portal)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            try:
                number = case_number_normalise(options["case_number"])  # [2026] as 〔2026〕
                bag = archive_export(case_number=number, out_dir=options["out"])
            except DomainError as exc:
                raise CommandError(exc.message, returncode=2) from exc
            self.stdout.write(str(bag))
            return
        try:
            self.stdout.write(archive_verify(options["package"], expected_key_id=options["key_id"]))
        except (ArchiveInvalid, OSError, ValueError, KeyError) as exc:
            self.stderr.write(f"FAILED: {exc}")
            raise SystemExit(1) from exc
