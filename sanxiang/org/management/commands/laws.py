"""``sanxiang laws load``: load the 法律法规库 from data/laws/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sanxiang.org.services import laws_load

DEFAULT_INDEX = Path(__file__).resolve().parents[4] / "data" / "laws" / "index.csv"


class Command(BaseCommand):
    help = "Load statutes listed in data/laws/index.csv into the 法律法规库 (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load")
        load.add_argument("--index", type=Path, default=DEFAULT_INDEX)

    def handle(self, *args: Any, **options: Any) -> None:
        for law in laws_load(index=options["index"]):
            self.stdout.write(f"{law.title}: {law.articles.count()} 条")
