"""``sanxiang worker``: run background work from the job queue (``SANXIANG_QUEUE=procrastinate``,
PostgreSQL) until stopped. Start as many as the machines allow, anywhere that reaches the
database and the evidence storage; SIGTERM lets the jobs begun finish (docs/operations/jobs.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanxiang.core import background


class Command(BaseCommand):
    help = "运行后台任务队列的工作进程（SANXIANG_QUEUE=procrastinate，需要 PostgreSQL）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--concurrency", type=int, default=1, help="同时执行的任务数（默认 1，每核一个为宜）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if background.mode() != "procrastinate":
            raise CommandError(
                "未启用任务队列：请设置 SANXIANG_QUEUE=procrastinate（需要 PostgreSQL）；"
                "默认方式下后台任务在网页进程内执行，无需单独的工作进程。"
            )
        if options["concurrency"] < 1:
            raise CommandError("--concurrency 至少为 1。")
        from django.core.exceptions import ImproperlyConfigured

        from sanxiang.core.queue import work

        try:
            work(concurrency=options["concurrency"])
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
