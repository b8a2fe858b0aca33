"""``sanxiang documents pdf``: make the PDF of every document version still without one.

Versions get their PDF in the background after generation; a process stopped in between, or
``SANXIANG_BACKGROUND=off``, leaves some to make. Safe to run at any time (e.g. from cron): a
version already converted is skipped, and two runs at once make each PDF once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sanxiang.cases.pdf import document_pdf_ensure, documents_pdf_pending
from sanxiang.core.progress import Progress
from sanxiang.errors import DomainError


class Command(BaseCommand):
    help = "Convert to PDF every document version whose PDF has not been made yet."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        sub.add_parser("pdf")

    def handle(self, *args: Any, **options: Any) -> None:
        pending = documents_pdf_pending()
        failed = 0
        with Progress("生成 PDF", len(pending), stream=self.stderr) as bar:
            for document_id in pending:
                try:
                    document_pdf_ensure(document_id)
                except DomainError as exc:
                    failed += 1
                    self.stderr.write(f"\n文书 {document_id}：{exc.message} ({exc.log_message})")
                bar.advance()
        self.stdout.write(
            f"已生成 PDF {len(pending) - failed} 份，失败 {failed} 份 "
            f"({len(pending) - failed} converted, {failed} failed)"
        )
        if failed:
            raise SystemExit(1)
