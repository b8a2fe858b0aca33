"""``sanxiang scorecard <统一社会信用代码> <year> [--json]``: one agency's 指标考核 for a year —
every item (number, points, method, value, score) and the totals per 一级指标.

``method`` is how the item counts this year: ``computed`` (from the platform's records, 案卷评查
included), ``attested`` (a document the agency filed, confirmed by the supervisor), ``manual``
(scored by the supervisor) or ``not_applicable`` (marked so for this agency and year; it counts
neither points nor score). ``scoring`` is the table's own column (``auto:<key>`` / ``attest`` /
``manual``); ``status`` the score as the pages show it (待评, 待提交, 待确认, 不适用)."""

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
                "method": item.method_key,
                "method_label": item.method,
                "scoring": item.indicator.scoring,
                "value": item.basis or None,
                "score": _number(item.score),
                "status": item.status,
                "overridden": item.overridden,
            }
            for item in card.items
        ]
        totals = [
            {"primary": g.primary, "points": float(g.points),
             "applicable_points": float(g.applicable_points), "score": float(g.score)}
            for g in card.groups
        ]  # fmt: skip
        if options["json"]:
            out = {"agency": agency.name, "year": card.year, "score": float(card.score),
                   "points": float(card.points),
                   "applicable_points": float(card.applicable_points),
                   "scaled": _number(card.scaled), "unscored": card.unscored,
                   "not_applicable": card.not_applicable, "totals": totals,
                   "items": items}  # fmt: skip
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1))
            return
        scaled = "—" if card.scaled is None else card.scaled
        self.stdout.write(f"{agency.name} {card.year} 年度：{card.score} / "
                          f"{card.applicable_points} 分（适用分值），折合百分制 {scaled} 分，"
                          f"待评 {card.unscored} 项，不适用 {card.not_applicable} 项")  # fmt: skip
        for total in totals:
            self.stdout.write(f"  {total['primary']}：{total['score']} / "
                              f"{total['applicable_points']}")  # fmt: skip
