"""``sanxiang report annual YEAR [--agency CREDIT_CODE] [--out DIR]``: the 行政执法统计年报 as
a page with charts, an Excel workbook and a PDF; prints each file's path and SHA-256.

``sanxiang report definitions [--file CSV] [--replace]``: load the report's figures (统计年报指标)
from data/disclosure/annual_report.csv; keeps, and lists, rows edited in 管理后台."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanxiang.core.legal_rows import report_lines
from sanxiang.core.progress import Progress
from sanxiang.disclosure.annual import annual_figures
from sanxiang.disclosure.annual_definitions import (
    DEFINITIONS_FILE,
    DefinitionsFileError,
    annual_definitions_load,
)
from sanxiang.disclosure.annual_files import report_html, report_pdf, report_xlsx
from sanxiang.errors import DomainError
from sanxiang.ledger.services import sha256_hex
from sanxiang.org.models import Agency


class Command(BaseCommand):
    help = (
        "Write an agency's annual enforcement statistics (行政执法统计年报) as HTML, XLSX, PDF; "
        "or load the report's figure definitions from their cited file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        annual = sub.add_parser("annual")
        annual.add_argument("year", type=int, help="统计年度，例如 2025")
        annual.add_argument(
            "--agency", help="执法主体的统一社会信用代码（只有一个执法主体时可省略）"
        )
        annual.add_argument("--out", default=".", help="output directory (default: current)")
        load = sub.add_parser("definitions")
        load.add_argument(
            "--file", default=str(DEFINITIONS_FILE), help="指标文件（默认 data/disclosure/…）"
        )
        load.add_argument(
            "--replace",
            action="store_true",
            help="以文件为准覆盖在管理后台改过的指标（每项记入台账）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "definitions":
            self._definitions(Path(options["file"]), replace=options["replace"])
            return
        agency = self._agency(options["agency"])
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        with Progress("生成统计年报", 4, stream=self.stderr) as bar:
            figures = annual_figures(agency=agency, year=options["year"])
            bar.advance()
            stem = f"annual-report-{agency.credit_code}-{figures.year}"
            try:
                files = {f"{stem}.html": report_html(figures).encode("utf-8")}
                bar.advance()
                files[f"{stem}.xlsx"] = report_xlsx(figures)
                bar.advance()
                files[f"{stem}.pdf"] = report_pdf(figures)
                bar.advance()
            except DomainError as exc:
                raise CommandError(f"{exc.message} ({exc.log_message})") from exc
        for name, data in files.items():
            path = out / name
            path.write_bytes(data)
            self.stdout.write(f"{path}  sha256={sha256_hex(data)}")

    def _definitions(self, path: Path, *, replace: bool) -> None:
        if not path.is_file():
            raise CommandError(f"找不到指标文件 {path} (no such file)")
        try:
            report = annual_definitions_load(path=path, replace=replace)
        except DefinitionsFileError as exc:
            raise CommandError(exc.message) from exc
        for line in report_lines("统计年报指标", report):
            self.stdout.write(line)

    def _agency(self, credit_code: str | None) -> Agency:
        if credit_code:
            agency = Agency.objects.filter(credit_code=credit_code.strip().upper()).first()
            if agency is None:
                raise CommandError(f"没有统一社会信用代码为 {credit_code} 的执法主体 (no agency)")
            return agency
        agencies = list(Agency.objects.all()[:2])
        if len(agencies) != 1:
            raise CommandError(
                "请用 --agency 指定执法主体的统一社会信用代码 (--agency is required when there "
                "is not exactly one agency)"
            )
        return agencies[0]
