"""``sanxiang notifications scan``: notify the people concerned of publications that became
overdue (run it from cron or a timer, e.g. every hour; running it again notifies nobody twice)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from sanxiang.notifications.services import notifications_scan


class Command(BaseCommand):
    help = "Notify handlers and heads of publications that became overdue (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        sub.add_parser("scan", help="look for overdue publications and notify once per event")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = notifications_scan(today=timezone.localdate())
        self.stdout.write(f"逾期公示通知：新发 {sent} 条 (notifications sent: {sent})")
