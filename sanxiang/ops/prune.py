"""``sanxiang prune``: remove what only grows and is no record (docs/operations/jobs.md,
Pruning). Never a ledger entry, a case, a publication or a 后台任务 row: only

- the job queue's finished jobs and their events (``SANXIANG_PRUNE_QUEUE_DAYS``, 14);
- the files of 后台任务 that ended long ago (``SANXIANG_PRUNE_JOB_FILES_DAYS``, 30): copies made
  on request, made again by asking again; the rows stay;
- refused API authentications older than their cool-off (they count no more);
- the 投诉举报 form's rate-limit rows older than a day (counts of tries, not complaints);
- the write API's Idempotency-Keys only if an operator sets ``SANXIANG_PRUNE_API_KEYS_DAYS``
  (0, the default, keeps them, as the API documents).

A setting of 0 keeps that kind. The job queue's workers run it on ``SANXIANG_PRUNE_CRON``;
without the queue, cron or a systemd timer runs ``sanxiang prune``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sanxiang.complaints.services import complaint_submissions_prune
from sanxiang.jobs.services import job_files_prune
from sanxiang.org.tokens import api_auth_failures_prune, api_writes_prune

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pruned:
    kind: str  # what, in Chinese, for the command's output
    count: int
    detail: str = ""
    kept: bool = False  # the setting keeps this kind (0 days)


def _before(days: int, now: datetime) -> datetime | None:
    return now - timedelta(days=days) if days > 0 else None


def prune(*, dry_run: bool = False, now: datetime | None = None) -> list[Pruned]:
    """Remove (or with ``dry_run`` only count) each kind; one line per kind."""
    now = now or timezone.now()
    found: list[Pruned] = []

    if settings.SANXIANG_PRUNE_QUEUE_DAYS <= 0:
        found.append(Pruned("任务队列中已结束的任务", 0, kept=True))
    else:
        from sanxiang.core.queue import queue_prune  # procrastinate, only when pruning

        with transaction.atomic():
            jobs, events = queue_prune(
                older_than=timedelta(days=settings.SANXIANG_PRUNE_QUEUE_DAYS), dry_run=dry_run
            )
        found.append(Pruned("任务队列中已结束的任务", jobs, f"及其事件 {events} 条"))

    files_before = _before(settings.SANXIANG_PRUNE_JOB_FILES_DAYS, now)
    if files_before is None:
        found.append(Pruned("后台任务的结果文件", 0, kept=True))
    else:
        jobs, size = job_files_prune(before=files_before, dry_run=dry_run)
        found.append(Pruned("后台任务的结果文件", jobs, f"共 {size} 字节；任务记录保留"))

    found.append(Pruned("接口认证失败记录（已过冷却期）", api_auth_failures_prune(dry_run=dry_run)))
    found.append(
        Pruned("投诉举报提交次数记录（一天前）", complaint_submissions_prune(dry_run=dry_run))
    )

    keys_before = _before(settings.SANXIANG_PRUNE_API_KEYS_DAYS, now)
    found.append(
        Pruned(
            "接口幂等键（写入记录）",
            api_writes_prune(before=keys_before, dry_run=dry_run),
            kept=keys_before is None,
        )
    )
    if not dry_run:
        logger.info("pruned: %s", ", ".join(f"{p.kind} {p.count}" for p in found))
    return found


def prune_periodic() -> None:
    """What the job queue's workers run on ``SANXIANG_PRUNE_CRON``."""
    prune()
