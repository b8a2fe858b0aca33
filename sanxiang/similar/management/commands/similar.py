"""``sanxiang similar reindex``: rebuild the similar-case index from the published decisions
(it is kept up to date as decisions publish and are withdrawn; rebuild after a restore, or to
recount the terms). ``--bulk`` builds the same index in bulk (``similar/bulk.py``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sanxiang.similar.bulk import reindex_bulk
from sanxiang.similar.index import reindex


class Command(BaseCommand):
    help = "Rebuild the similar-case (同案同罚) index from the published decisions."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        reindex_parser = sub.add_parser(
            "reindex", help="rebuild the index, with a progress bar on stderr"
        )
        reindex_parser.add_argument(
            "--bulk",
            action="store_true",
            help="in bulk, for many decisions (the texts are cut into terms in parallel "
            "processes); the similar-case pages wait until it is done",
        )
        reindex_parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="--bulk: processes that cut the texts (default: one per CPU, at most 4; "
            "0: none besides this one)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("bulk"):
            count = reindex_bulk(stream=self.stderr, workers=options.get("workers"))
        else:
            count = reindex(stream=self.stderr)
        self.stdout.write(f"同案同罚索引已重建：{count} 件决定 (decisions indexed: {count})")
