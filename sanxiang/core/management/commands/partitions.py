"""``sanxiang partitions``: the monthly partitions of large tables (PostgreSQL only)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from sanxiang.core import partitions

EXIT_REFUSED = 2
#: ``ensure`` exits with this when some month could not be created (rows wait in DEFAULT).
EXIT_BLOCKED = 3


class Command(BaseCommand):
    help = "Monthly partitions (分区): ensure the coming months exist, list them with row counts."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ensure = sub.add_parser("ensure", help="create this and the next N months' partitions")
        ensure.add_argument("--months", type=int, default=partitions.DEFAULT_MONTHS_AHEAD)
        listing = sub.add_parser("list", help="every partition with its row count")
        listing.add_argument("--exact", action="store_true", help="count rows (slow at scale)")
        for each in (ensure, listing):
            each.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            self.stdout.write(
                "本数据库不分区（仅 PostgreSQL 分区）/ no partitions on this database"
            )
            return
        if options["action"] == "ensure":
            months = options["months"]
            if not 0 <= months <= 120:
                raise CommandError(
                    "--months 应为 0 到 120 / --months must be 0..120", returncode=EXIT_REFUSED
                )
            with transaction.atomic(using=connection.alias):
                results = partitions.ensure(connection, months)
            blocked = False
            for result in results:
                for name in result.created:
                    self.stdout.write(f"已建分区 {name} / created {name}")
                for month, rows in result.blocked:
                    blocked = True
                    self.stderr.write(
                        f"{result.table}: {month:%Y-%m} 有 {rows} 行在默认分区，未建该月分区 / "
                        f"{rows} rows of {month:%Y-%m} are in the DEFAULT partition; "
                        "partition not created (docs/operations/partitioning.md)"
                    )
                if not result.created and not result.blocked:
                    self.stdout.write(f"{result.table}：分区已齐 / up to date")
            if blocked:
                raise CommandError(
                    "部分月份有行在默认分区，未建这些月的分区："
                    "按 docs/operations/partitioning.md 移出后再运行 / some months are blocked",
                    returncode=EXIT_BLOCKED,
                )
            return
        for partition in partitions.describe(connection, exact=options["exact"]):
            label = f"{partition.month:%Y-%m}" if partition.month else "DEFAULT"
            count = f"~{partition.rows}" if partition.estimated else str(partition.rows)
            warning = ""
            if partition.month is None and partition.rows:
                warning = (
                    "  ! 有行不在任何月分区：请运行 ensure，见文档 / "
                    "rows outside every monthly partition: run ensure, see the docs"
                )
            self.stdout.write(f"{partition.table}\t{partition.name}\t{label}\t{count}{warning}")
