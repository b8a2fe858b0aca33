"""``sanxiang demo``: load demo data (idempotent) and print the demo log-ins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sanxiang.demo.services import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Load fictional agencies, officers and log-ins, and real laws; safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = demo_load()
        self.stdout.write("演示数据已就绪 / demo data ready.")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for login, name, agency, roles in summary.accounts:
            self.stdout.write(f"  {login:<14} {name:<6} {agency}  {roles}")
        self.stdout.write(
            "办公：http://127.0.0.1:8000/office/   公示：http://127.0.0.1:8000/gongshi/"
        )
