"""``sanxiang review load CREDIT_CODE``: an agency's default review catalogue and materials."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanxiang.org.models import Agency
from sanxiang.review.loading import review_defaults_load


class Command(BaseCommand):
    help = "Load data/review/ defaults (catalogue, materials) for an agency; keeps edited rows."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load")
        load.add_argument("credit_code", help="统一社会信用代码 of the agency")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(credit_code=options["credit_code"].upper()).first()
        if agency is None:
            raise CommandError(
                f"没有统一社会信用代码为 {options['credit_code']} 的执法主体 (no such agency)"
            )
        rules, materials = review_defaults_load(agency=agency)
        self.stdout.write(f"{agency.name}：新增目录清单事项 {rules} 项、送审材料 {materials} 项")
