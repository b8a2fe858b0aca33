"""``sanxiang alerts scan``: raise, resolve and escalate 预警 (daily, from cron or a timer);
``sanxiang alerts load-rules [--replace]``: (re)load the rules from data/alerts/rules.csv."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from sanxiang.alerts.services import alerts_scan, rules_load


class Command(BaseCommand):
    help = "执法监督预警: scan, or load the rules."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("scan", help="evaluate every rule now and escalate late alerts")
        load = sub.add_parser("load-rules", help="load data/alerts/rules.csv")
        load.add_argument("--replace", action="store_true", help="overwrite edited rules")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load-rules":
            written = rules_load(replace=options["replace"])
            self.stdout.write(f"已载入预警规则 {len(written)} 条：{'、'.join(written) or '无'}。")
            return
        counts = alerts_scan(today=timezone.localdate())
        self.stdout.write(
            f"预警：新发 {counts.raised} 条，消除 {counts.resolved} 条，"
            f"升级 {counts.escalated} 条。"
        )
