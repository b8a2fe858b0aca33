"""``sanxiang reindex publications``: recompute the search tokens of every publication."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sanxiang.core.progress import Progress
from sanxiang.disclosure.models import Publication
from sanxiang.disclosure.search import reindex


class Command(BaseCommand):
    help = "Rebuild the full-text search index of published decisions (after a tokeniser change)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        publications = sub.add_parser("publications")
        publications.add_argument("--batch", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        began = time.monotonic()
        total = Publication.objects.count()
        with Progress("重建公示检索索引", total, stream=self.stderr) as bar:
            changed = reindex(batch=options["batch"], progress=bar.advance)
        self.stdout.write(
            f"已重建公示检索索引，更新 {changed} 条 "
            f"({changed} rows changed, {time.monotonic() - began:.1f} s)"
        )
