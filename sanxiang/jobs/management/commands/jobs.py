"""``sanxiang jobs``: the recent background jobs, after failing those a stopped process left
(running in a process of this host that no longer exists, or queued too long)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from sanxiang.jobs.kinds import KINDS
from sanxiang.jobs.models import Job
from sanxiang.jobs.services import jobs_recover


class Command(BaseCommand):
    help = "列出最近的后台任务，并将已停止进程遗留的任务标为失败"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=20, help="列出的任务数（默认 20）")

    def handle(self, *args: Any, **options: Any) -> None:
        failed = jobs_recover()
        self.stdout.write(f"已将 {failed} 个中断的任务标为失败。")
        for job in Job.objects.select_related("requested_by")[: options["limit"]]:
            kind = KINDS.get(job.kind)
            created = timezone.localtime(job.created_at).strftime("%Y-%m-%d %H:%M")
            self.stdout.write(
                f"{job.pk}\t{created}\t{kind.label if kind else job.kind}\t"
                f"{job.requested_by.name}\t{job.get_state_display()}\t{job.progress}%\t{job.message}"
            )
