"""Writes of the jobs: ask for one (the same job while one for the same input is open), run it
after the request's commit (``core.background``: a thread, or the job queue; synchronously with
``SANXIANG_QUEUE=off``), hand out its file, and fail what a dead process left running."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sanxiang.core import background
from sanxiang.core.processes import process_alive
from sanxiang.errors import DomainError
from sanxiang.jobs.events import job_downloaded
from sanxiang.jobs.kinds import KINDS, Kind
from sanxiang.jobs.models import OPEN_STATES, Job, JobState
from sanxiang.org.models import Officer

logger = logging.getLogger(__name__)

FAILED_MESSAGE = "生成失败，请稍后重试；如仍失败，请联系系统管理员。"
LOST_MESSAGE = "生成中断（服务曾重启），请重新生成。"
# A queued job no worker took within this long belonged to a process that stopped.
QUEUED_TOO_LONG = timedelta(minutes=30)


class JobNotFound(DomainError):
    pass


class JobNotReady(DomainError):
    pass


def _worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _input_key(kind: str, agency_id: int, params: dict[str, Any]) -> str:
    text = json.dumps([kind, agency_id, params], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def jobs_dir() -> Path:
    """Where finished jobs' files are kept: ``SANXIANG_JOBS_DIR`` (on several nodes a folder
    every node mounts, since the download may reach another node), else ``SANXIANG_VAR/jobs``."""
    path = Path(settings.SANXIANG_JOBS_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def job_request(*, actor: Officer, kind: str, params: dict[str, Any]) -> Job:
    """The job making ``kind`` for ``params`` in the actor's agency: the open one if there is
    one (a second click, another tab), else a new one, run after this transaction commits."""
    spec = KINDS[kind]
    if not spec.may_have(actor):
        raise DomainError("您无权生成该文件。")
    agency_id = actor.unit.agency_id
    key = _input_key(kind, agency_id, params)
    with transaction.atomic():
        open_job = (
            Job.objects.select_for_update()
            .filter(input_key=key, state__in=OPEN_STATES)
            .order_by("-pk")
            .first()
        )
        if open_job is not None:
            return open_job
        job = Job.objects.create(
            kind=kind,
            params=params,
            input_key=key,
            agency_id=agency_id,
            requested_by=actor,
            message="已排队，马上开始。",
        )
        if background.enabled():
            background.enqueue("jobs.run", job_id=job.pk)
    if not background.enabled():
        job_run(job_id=job.pk)
        job.refresh_from_db()
    return job


def _progress(job_id: int, attempt: int) -> Any:
    def report(percent: int, message: str) -> None:
        Job.objects.filter(pk=job_id, state=JobState.RUNNING, attempt=attempt).update(
            progress=max(0, min(99, percent)), message=message
        )

    return report


def job_run(*, job_id: int) -> None:
    """Make the job's file, once.

    Takes the job if it is still queued, or if it is running under an earlier attempt of the
    queue (whose worker died: the queue retries only then); only the attempt that holds the
    row may finish it, so a late finish of an attempt taken over changes nothing. The row's
    state is the guard, in the database: each attempt writes its own file, and the row names
    the one that counts.
    """
    attempt = background.attempt()
    taken = Job.objects.filter(
        Q(state=JobState.QUEUED) | Q(state=JobState.RUNNING, attempt__lt=attempt), pk=job_id
    ).update(
        state=JobState.RUNNING,
        attempt=attempt,
        started_at=timezone.now(),
        worker=_worker(),
        message="正在生成……",
    )
    if not taken:
        return
    job = Job.objects.get(pk=job_id)
    held = Job.objects.filter(pk=job.pk, state=JobState.RUNNING, attempt=attempt)
    spec: Kind = KINDS[job.kind]
    try:
        made = spec.make(job, _progress(job.pk, attempt))
        folder = jobs_dir() / str(job.pk)
        folder.mkdir(mode=0o700, exist_ok=True)
        path = folder / ("result" if attempt == 0 else f"result-{attempt}")
        path.write_bytes(made.data)
    except Exception as exc:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        message = exc.message if isinstance(exc, DomainError) else FAILED_MESSAGE
        held.update(
            state=JobState.FAILED,
            message=message,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        return
    held.update(
        state=JobState.DONE,
        progress=100,
        message="已完成，可以下载。",
        result_path=str(path.relative_to(jobs_dir())),
        result_name=made.filename,
        content_type=made.content_type,
        finished_at=timezone.now(),
    )
    logger.info("job %s (%s) done", job.pk, job.kind)


def job_abandon(*, job_id: int) -> None:
    """The queue stopped running the job (its worker died at every run): fail it with the
    message its page shows, unless it already ended."""
    count = Job.objects.filter(pk=job_id, state__in=OPEN_STATES).update(
        state=JobState.FAILED,
        message=FAILED_MESSAGE,
        error="the queue gave the job up: its worker died at every run",
        finished_at=timezone.now(),
    )
    if count:
        logger.warning("job %s failed: the queue gave it up", job_id)


def job_download(*, actor: Officer, job: Job) -> tuple[bytes, Job]:
    """The job's file for an officer who may have it (``selectors.job_get_for``), recorded in
    the agency's log."""
    if job.state != JobState.DONE:
        raise JobNotReady("文件尚未生成完成。")
    if not job.result_path:  # removed by ``sanxiang prune`` after its keeping time
        raise JobNotFound(PRUNED_MESSAGE)
    path = jobs_dir() / job.result_path
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise JobNotFound("文件已不存在，请重新生成。") from exc
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(downloads=job.downloads + 1)
        job_downloaded(job, actor.ledger_actor, hashlib.sha256(data).hexdigest())
    return data, job


def jobs_recover(*, now: Any = None) -> int:
    """Fail the jobs a stopped process left: running in a process of this host that is gone,
    or queued for longer than anyone would wait. Returns how many.

    Not with the job queue (``SANXIANG_QUEUE=procrastinate``): there a job whose worker died is
    run again by another worker, and a queued job waits for one."""
    if background.mode() == "procrastinate":
        return 0
    now = now or timezone.now()
    host = socket.gethostname()
    lost = []
    for job in Job.objects.filter(state=JobState.RUNNING):
        name, _, pid = job.worker.rpartition(":")
        if name == host and pid.isdigit() and not _alive(int(pid)):
            lost.append(job.pk)
    stale = Job.objects.filter(state=JobState.QUEUED, created_at__lt=now - QUEUED_TOO_LONG)
    lost += list(stale.values_list("pk", flat=True))
    count = Job.objects.filter(pk__in=lost, state__in=OPEN_STATES).update(
        state=JobState.FAILED,
        message=LOST_MESSAGE,
        error="worker process gone before the job finished",
        finished_at=now,
    )
    if count:
        logger.warning("marked %d abandoned jobs failed", count)
    return count


def _alive(pid: int) -> bool:
    return pid == os.getpid() or process_alive(pid)


PRUNED_MESSAGE = "文件已超过保存期限并已清理，如需要请重新生成。"


def job_files_prune(*, before: Any, dry_run: bool = False) -> tuple[int, int]:
    """Remove the files of jobs that ended (完成 or 失败) before ``before``: each is a copy
    made from the records on request (a new request makes it again, with today's figures), and
    every download of one is already in the agency's log with its SHA-256. The rows stay — who
    asked for what, when, and how often it was downloaded — with the download withdrawn and
    ``PRUNED_MESSAGE`` on the page. Returns (jobs, bytes) removed, or that would be."""
    import shutil

    root = jobs_dir()
    ended = Job.objects.filter(
        state__in=(JobState.DONE, JobState.FAILED), finished_at__lt=before
    ).order_by("pk")
    jobs = size = 0
    for pk, result_path in ended.values_list("pk", "result_path").iterator():
        folder = root / str(pk)
        if not result_path and not folder.is_dir():
            continue  # pruned before, or never made a file
        jobs += 1
        if folder.is_dir():
            size += sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
        if dry_run:
            continue
        # The row first: a download in between is told the file is gone, not left half-way.
        if result_path:
            Job.objects.filter(pk=pk).update(result_path="", message=PRUNED_MESSAGE)
        shutil.rmtree(folder, ignore_errors=True)
    if jobs and not dry_run:
        logger.info("pruned the files of %d jobs ended before %s (%d bytes)", jobs, before, size)
    return jobs, size
