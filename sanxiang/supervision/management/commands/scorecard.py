"""``sanxiang scorecard <统一社会信用代码> <year> [--json]``: one agency's 指标考核 for a year —
every item (number, points, method, value, score) and the totals per 一级指标."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sanxiang.org.models import Agency
from sanxiang.supervision.scorecard import scorecard_of


def _number(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


class Command(BaseCommand):
    help = "“三项制度”工作指标考核: one agency's items and scores for a year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("credit_code", help="执法主体的统一社会信用代码")
        parser.add_argument("year", type=int, help="年度")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(credit_code=options["credit_code"].strip().upper()).first()
        if agency is None:
            raise CommandError("没有这个统一社会信用代码的执法主体。")
        today = timezone.localdate()
        if not 2019 <= options["year"] <= today.year:
            raise CommandError(f"年度应在 2019 年至 {today.year} 年之间。")
        card = scorecard_of(agency, year=options["year"], today=today)
        items = [
            {
                "number": item.indicator.number,
                "points": float(item.indicator.points),
                "method": item.indicator.scoring,
                "value": item.entry.note
                if item.entry
                else (item.computed.figures if item.computed else None),
                "score": _number(item.score),
                "overridden": item.overridden,
            }
            for item in card.items
        ]
        totals = [
            {"primary": g.primary, "points": float(g.points), "score": float(g.score)}
            for g in card.groups
        ]
        if options["json"]:
            out = {"agency": agency.name, "year": card.year, "score": float(card.score),
                   "unscored": card.unscored, "totals": totals, "items": items}  # fmt: skip
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1))
            return
        self.stdout.write(f"{agency.name} {card.year} 年度：{card.score} / {card.points} 分，"
                          f"待评 {card.unscored} 项")  # fmt: skip
        for total in totals:
            self.stdout.write(f"  {total['primary']}：{total['score']} / {total['points']}")
