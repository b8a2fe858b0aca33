"""``sanxiang demo``: load demo data (idempotent) and print the demo log-ins."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from sanxiang.alerts.services import alerts_scan
from sanxiang.demo.activity import DEFAULT_CASES, HISTORY_DAYS, activity_load, activity_present
from sanxiang.demo.clock import demo_clock
from sanxiang.demo.complaints import demo_complaints_load
from sanxiang.demo.inspections import demo_draws_load
from sanxiang.demo.opinions import demo_opinions_load
from sanxiang.demo.permits import demo_permits_load
from sanxiang.demo.services import DEMO_PASSWORD, demo_load
from sanxiang.demo.training import demo_training_load
from sanxiang.evaluation.models import Campaign
from sanxiang.org.models import Agency


class Command(BaseCommand):
    help = (
        "Load fictional agencies, officers and log-ins, real laws, and a year of their cases "
        "(made through the services); safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # Without the option the demo stays as the test suite's shared installation and the
        # benchmarks expect it (no cases); `make run` asks for the year.
        parser.add_argument(
            "--cases",
            type=int,
            default=0,
            help=f"cases per agency for a year of activity (make run: {DEFAULT_CASES}; default 0)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        cases = options["cases"]
        if cases > 0 and not Agency.objects.exists():
            # A fresh installation: the agencies exist from the start of the demo's year, so
            # every log's events are in time order.
            with demo_clock(timezone.now() - timedelta(days=HISTORY_DAYS + 1)):
                summary = demo_load()
        else:
            summary = demo_load()
        if cases > 0:
            if activity_present():
                self.stdout.write("演示案件已存在，未重复生成 / demo cases already loaded.")
            else:
                self.stdout.write(f"正在生成一年的演示案件（每个执法主体 {cases} 件）……")
                made = activity_load(cases=cases)
                self.stdout.write(f"已生成演示案件 {made.cases} 件。")
                if Campaign.objects.filter(published_at__isnull=False).exists():
                    self.stdout.write(
                        "示范市司法局已完成并公开一次案卷评查（公示网站“案卷评查结果”）。"
                    )
        # Today's random draws, after the year (so every agency's log stays in time order).
        if demo_draws_load():
            self.stdout.write("已为每个执法主体完成一次双随机抽取（门户网站“双随机抽查”可复算）。")
        if demo_permits_load():
            self.stdout.write("已为每个执法主体登记演示行政许可（部分已公示）。")
        if made_complaints := demo_complaints_load():
            self.stdout.write(f"已登记演示投诉举报 {made_complaints} 件（办公“投诉举报”）。")
        if demo_training_load():
            self.stdout.write("已导入各执法主体本年度的培训记录（办公 › 培训记录）。")
        if made_opinions := demo_opinions_load():
            self.stdout.write(f"已出具演示执法监督意见 {made_opinions} 份（办公 › 执法监督）。")
        alerts = alerts_scan(today=timezone.localdate())
        if alerts.raised:
            self.stdout.write(f"预警核对：新发预警 {alerts.raised} 条（办公 › 预警）。")
        self.stdout.write(f"演示数据已就绪 / demo data ready ({time.monotonic() - started:.0f} s).")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for login, name, agency, roles in summary.accounts:
            self.stdout.write(f"  {login:<14} {name:<6} {agency}  {roles}")
        self.stdout.write(
            "办公：http://127.0.0.1:8000/office/   公示：http://127.0.0.1:8000/gongshi/"
        )
