"""``sanxiang prune [--dry-run]``: remove the rows and files that only grow and are no record
(``sanxiang.ops.prune``), printing how many of each kind."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from sanxiang.ops.prune import prune


class Command(BaseCommand):
    help = "清理只增不减且不属于执法记录的数据（已结束的队列任务、过期的后台任务文件等）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="只统计将清理的数量，不做任何改动"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        verb = "将清理" if dry_run else "已清理"
        for item in prune(dry_run=dry_run):
            if item.kept:
                self.stdout.write(f"{item.kind}：按设置保留，不清理")
                continue
            detail = f"（{item.detail}）" if item.detail else ""
            self.stdout.write(f"{item.kind}：{verb} {item.count} 项{detail}")
        if dry_run:
            self.stdout.write("（试运行：未做任何改动）")
        self.stdout.write(
            "保留期限（天）：队列任务 "
            f"{settings.SANXIANG_PRUNE_QUEUE_DAYS}，后台任务文件 "
            f"{settings.SANXIANG_PRUNE_JOB_FILES_DAYS}，接口幂等键 "
            f"{settings.SANXIANG_PRUNE_API_KEYS_DAYS or '永久'}"
        )
