"""The PostgreSQL job queue behind ``SANXIANG_QUEUE=procrastinate`` (procrastinate 3, PyPI).

One queue task, ``sanxiang.background``, carries the name and arguments of the work registered
with ``core.work.register``. Jobs are written through the request's own database
connection, so a job exists exactly when the request's transaction commits; ``sanxiang worker``
processes take them (``SELECT … FOR UPDATE SKIP LOCKED``, woken by ``LISTEN/NOTIFY``), write
a heartbeat every few seconds, and put back the running jobs of a worker whose heartbeat has
stopped (killed, its machine gone): another worker then runs them again. Whether the work's
result is made once is the work's own business, in the database (``document_pdf_ensure``'s
row lock, ``jobs.services.job_run``'s attempt-guarded state changes).

The queue's tables and functions (``procrastinate_jobs`` …) are created by ``sanxiang migrate``
and by ``sanxiang worker`` if missing (``schema_ensure``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from datetime import timedelta
from typing import Any

import procrastinate
import procrastinate.exceptions
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, close_old_connections, connection, transaction
from procrastinate.contrib.django.django_connector import DjangoConnector

from sanxiang.core.request_context import RequestInfo, current
from sanxiang.core.work import PERIODIC, abandoned, run

logger = logging.getLogger(__name__)

TASK = "sanxiang.background"
# Work registered with a ``cron`` (``core.work.PERIODIC``): procrastinate's periodic deferrer,
# which runs in every worker, writes one job per tick (a row in procrastinate_periodic_defers
# makes it one across workers).
PERIODIC_TASK = "sanxiang.periodic"
# A failure (an exception, not a crash) is tried again twice, 5 s then 25 s later (5 ** n); a
# crash is put back by the sweeper (the work did not fail, its worker died) unless the job has
# already begun CRASH_REQUEUES runs; the runs crashes cost count against those two.
RETRY = procrastinate.RetryStrategy(max_attempts=2, exponential_wait=5)


def heartbeat_seconds() -> float:
    return float(os.environ.get("SANXIANG_QUEUE_HEARTBEAT", "5"))


def stalled_after_seconds() -> float:
    """A worker silent this long is taken for dead and its running jobs are put back."""
    return float(os.environ.get("SANXIANG_QUEUE_STALLED_AFTER", "30"))


def _task(
    context: Any, name: str, arguments: dict[str, Any], request: dict[str, str] | None = None
) -> None:
    close_old_connections()
    # The work's log records carry the id of the request that asked for it, as in the thread.
    token = current.set(
        RequestInfo(request_id=request["id"], method=request["method"], path=request["path"])
        if request
        else None
    )
    try:
        # ``attempts`` counts the runs begun before this one.
        run(name, arguments, attempt_number=int(context.job.attempts))
    finally:
        current.reset(token)
        connection.close()


def _request() -> dict[str, Any] | None:
    """The request asking for the work (its id, method and path), for the worker's logs."""
    info = current.get()
    if info is None:
        return None
    return {"id": info.request_id, "method": info.method, "path": info.path}


def _periodic_task(timestamp: int, name: str) -> None:
    close_old_connections()
    try:
        logger.info("periodic work %s (tick %s)", name, timestamp)
        run(name, {})
    finally:
        connection.close()


def _app(connector: Any) -> procrastinate.App:
    app = procrastinate.App(connector=connector)
    app.task(name=TASK, pass_context=True, retry=RETRY)(_task)
    periodic = app.task(name=PERIODIC_TASK)(_periodic_task)
    for name, cron in sorted(PERIODIC.items()):
        app.periodic(cron=cron, periodic_id=name, task_kwargs={"name": name})(periodic)
    return app


def _check_database() -> None:
    if connection.vendor != "postgresql":
        raise ImproperlyConfigured(
            "SANXIANG_QUEUE=procrastinate 需要 PostgreSQL 数据库（DATABASE_URL）；"
            "SQLite 安装请使用默认的 SANXIANG_QUEUE=thread。"
        )


_deferring: procrastinate.App | None = None


def defer(
    name: str, arguments: dict[str, Any], *, queueing_lock: str = "", delay: float = 0
) -> None:
    """Write the job in the current transaction of Django's connection. With a
    ``queueing_lock``, nothing is written while a job with the same lock waits to run
    (procrastinate's ``queueing_lock``; quietly, in a savepoint, so that the request's
    transaction goes on); with a ``delay``, the job is not run before so many seconds."""
    global _deferring
    _check_database()
    if _deferring is None:
        app = _app(DjangoConnector())
        app.open()
        _deferring = app
    options: dict[str, Any] = {}
    if queueing_lock:
        options["queueing_lock"] = queueing_lock
    if delay > 0:
        options["schedule_in"] = {"seconds": delay}
    deferrer = _deferring.configure_task(TASK, **options)
    if not queueing_lock:
        deferrer.defer(name=name, arguments=arguments, request=_request())
        return
    try:
        with transaction.atomic():
            deferrer.defer(name=name, arguments=arguments, request=_request())
    except procrastinate.exceptions.AlreadyEnqueued:
        logger.debug("%s (%s) waits already in the queue", name, queueing_lock)
    except IntegrityError as exc:  # the same, through Django's cursor
        if "queueing_lock" not in str(exc):
            raise
        logger.debug("%s (%s) waits already in the queue", name, queueing_lock)


def schema_ensure() -> bool:
    """Create the queue's tables and functions if this database has none. True if it did."""
    _check_database()
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('procrastinate_jobs')")
        if cursor.fetchone()[0] is not None:
            return False
    app = _app(DjangoConnector())
    app.open()
    app.schema_manager.apply_schema()
    logger.info("created the job queue's tables (procrastinate)")
    return True


# Keys of Django's PostgreSQL OPTIONS that are not libpq connection parameters.
_DJANGO_ONLY_OPTIONS = {
    "assume_role",
    "cursor_factory",
    "isolation_level",
    "pool",
    "prepare_threshold",
    "server_side_binding",
}


def _conninfo() -> str:
    """The worker's own connection string: Django's default database, with its ``OPTIONS``
    (``sslmode``, ``sslrootcert`` … from ``DATABASE_URL``), so the worker connects as the web
    process does."""
    from psycopg.conninfo import make_conninfo

    db = settings.DATABASES["default"]
    parts: dict[str, Any] = {
        key: value
        for key, value in (db.get("OPTIONS") or {}).items()
        if key not in _DJANGO_ONLY_OPTIONS
        and isinstance(value, str | int)
        and not isinstance(value, bool)
    }
    parts.update(
        {
            "dbname": db.get("NAME"),
            "user": db.get("USER"),
            "password": db.get("PASSWORD"),
            "host": db.get("HOST"),
            "port": str(db.get("PORT") or ""),
        }
    )
    return make_conninfo(
        **{key: str(value) for key, value in parts.items() if value not in (None, "")}
    )


# One sweeper at a time across all workers: a transaction-scoped advisory lock (any constant
# unique to this use; "sanxiang" in ASCII).
SWEEP_LOCK = 0x73616E7869616E67
# A job whose worker died this many times is not put back again (it may be what kills them):
# its queue job ends ``failed`` and its work is told (``core.work.abandoned``).
CRASH_REQUEUES = 3

# procrastinate's ``select_stalled_jobs_by_heartbeat``: the running jobs of workers silent for
# too long (or already pruned: worker_id NULL).
_STALLED = """
SELECT job.id, job.worker_id, job.attempts, job.abort_requested, job.args
  FROM procrastinate_jobs job
  LEFT JOIN procrastinate_workers w ON w.id = job.worker_id
 WHERE job.status = 'doing'
   AND (job.worker_id IS NULL
        OR w.last_heartbeat < NOW() - make_interval(secs => %(stalled_after)s))
 ORDER BY job.id
"""
# What ``procrastinate_retry_job_v2`` does for a running job, but only while the job is still
# running under the stalled worker it was listed with (never a job another worker took since,
# never a failed or finished one).
_REQUEUE = """
UPDATE procrastinate_jobs
   SET status = 'todo', attempts = attempts + 1, scheduled_at = NULL
 WHERE id = %(id)s AND status = 'doing' AND worker_id IS NOT DISTINCT FROM %(worker_id)s
   AND (worker_id IS NULL OR worker_id IN (
        SELECT id FROM procrastinate_workers
         WHERE last_heartbeat < NOW() - make_interval(secs => %(stalled_after)s)))
RETURNING id
"""
_GIVE_UP = """
UPDATE procrastinate_jobs
   SET status = 'failed'
 WHERE id = %(id)s AND status = 'doing' AND worker_id IS NOT DISTINCT FROM %(worker_id)s
   AND (worker_id IS NULL OR worker_id IN (
        SELECT id FROM procrastinate_workers
         WHERE last_heartbeat < NOW() - make_interval(secs => %(stalled_after)s)))
RETURNING id
"""


def sweep_once(db: Any, stalled_after: float) -> tuple[list[int], list[dict[str, Any]]]:
    """Put back the running jobs of workers that stopped sending heartbeats, on ``db`` (a
    psycopg connection, not in a transaction). Returns the ids put back and the arguments
    (``{"name", "arguments"}``) of the jobs given up after ``CRASH_REQUEUES`` crashes. Does
    nothing while another worker sweeps."""
    requeued: list[int] = []
    given_up: list[dict[str, Any]] = []
    with db.transaction(), db.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", (SWEEP_LOCK,))
        if not cursor.fetchone()[0]:
            return requeued, given_up
        cursor.execute(_STALLED, {"stalled_after": stalled_after})
        for job_id, worker_id, attempts, abort_requested, args in cursor.fetchall():
            params = {"id": job_id, "worker_id": worker_id, "stalled_after": stalled_after}
            if attempts >= CRASH_REQUEUES or abort_requested:
                cursor.execute(_GIVE_UP, params)
                if cursor.fetchone() is not None:
                    given_up.append(dict(args))
                    logger.error(
                        "job %s (%s): its worker died %d times running it (abort asked: %s); "
                        "not put back again",
                        job_id,
                        args.get("name"),
                        attempts + 1,
                        abort_requested,
                    )
                continue
            cursor.execute(_REQUEUE, params)
            if cursor.fetchone() is not None:
                requeued.append(job_id)
                logger.warning(
                    "job %s (%s) of a stopped worker put back for another run",
                    job_id,
                    args.get("name"),
                )
    return requeued, given_up


def _abandon(given_up: list[dict[str, Any]]) -> None:
    close_old_connections()
    try:
        for args in given_up:
            try:
                abandoned(args["name"], args["arguments"])
            except Exception:
                logger.exception("marking the work of a given-up job failed: %s", args)
    finally:
        connection.close()


def _sweep_with_new_connection(conninfo: str, stalled_after: float) -> None:
    import psycopg

    with psycopg.connect(conninfo, autocommit=True) as db:
        _, given_up = sweep_once(db, stalled_after)
    if given_up:
        _abandon(given_up)


async def _sweep(conninfo: str, stalled_after: float) -> None:
    """Every few seconds, put back the running jobs of workers that stopped sending
    heartbeats (one sweeper at a time, whichever worker gets the lock)."""
    while True:
        try:
            await asyncio.to_thread(_sweep_with_new_connection, conninfo, stalled_after)
        except Exception:
            logger.exception("looking for stalled jobs failed; trying again")
        await asyncio.sleep(max(1.0, min(stalled_after / 3, 10.0)))


def work(*, concurrency: int = 1) -> None:
    """Run a worker until SIGTERM/SIGINT (finishing the jobs it has begun)."""
    _check_database()
    schema_ensure()
    connection.close()
    conninfo = _conninfo()
    app = _app(procrastinate.PsycopgConnector(conninfo=conninfo))
    name = f"{socket.gethostname()}:{os.getpid()}"

    async def main() -> None:
        async with app.open_async():
            sweeper = asyncio.create_task(_sweep(conninfo, stalled_after_seconds()))
            try:
                await app.run_worker_async(
                    name=name,
                    concurrency=concurrency,
                    update_heartbeat_interval=heartbeat_seconds(),
                    stalled_worker_timeout=stalled_after_seconds(),
                    install_signal_handlers=True,
                )
            finally:
                sweeper.cancel()

    logger.info("worker %s started (concurrency %d)", name, concurrency)
    asyncio.run(main())


# Jobs in a final state whose last event (finished, failed, cancelled) is older than the age, by
# the database's clock (procrastinate dates its events with it). Their events go with them (ON
# DELETE CASCADE); a periodic defer naming one is unlinked by procrastinate's own trigger. Jobs
# still to do or running are never touched.
_FINISHED = """
SELECT job.id FROM procrastinate_jobs job
 WHERE job.status IN ('succeeded', 'failed', 'cancelled', 'aborted')
   AND NOT EXISTS (SELECT 1 FROM procrastinate_events event
                    WHERE event.job_id = job.id
                      AND event.at >= now() - make_interval(secs => %(seconds)s))
"""
_FINISHED_COUNT = f"""
SELECT count(*), (SELECT count(*) FROM procrastinate_events WHERE job_id IN ({_FINISHED}))
  FROM ({_FINISHED}) finished
"""  # noqa: S608 - constants only
_FINISHED_DELETE = f"DELETE FROM procrastinate_jobs WHERE id IN ({_FINISHED})"  # noqa: S608


def queue_prune(*, older_than: timedelta, dry_run: bool = False) -> tuple[int, int]:
    """Delete the queue's finished jobs (and their events) last changed ``older_than`` ago.
    Returns (jobs, events) removed, or that would be with ``dry_run``. (0, 0) where the queue's
    tables do not exist (SQLite, a queue never switched on)."""
    if connection.vendor != "postgresql":
        return 0, 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('procrastinate_jobs')")
        if cursor.fetchone()[0] is None:
            return 0, 0
        params = {"seconds": older_than.total_seconds()}
        cursor.execute(_FINISHED_COUNT, params)
        jobs, events = cursor.fetchone()
        if not dry_run and jobs:
            cursor.execute(_FINISHED_DELETE, params)
    return int(jobs), int(events)


def queue_depth() -> tuple[list[tuple[str, str, int]], float]:
    """The queue's jobs per (queue, status), and how long the oldest job due to run has waited
    (seconds; 0 when none waits). Only the waiting jobs are read row by row (procrastinate's
    partial index on todo/doing jobs); the count per status scans a table ``sanxiang prune``
    keeps short. Nothing where the queue's tables do not exist yet."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('procrastinate_jobs')")
        if cursor.fetchone()[0] is None:
            return [], 0.0
        cursor.execute(
            "SELECT queue_name, status::text, count(*) FROM procrastinate_jobs"
            " GROUP BY queue_name, status ORDER BY queue_name, status"
        )
        counts = [(str(queue), str(status), int(n)) for queue, status, n in cursor.fetchall()]
        # Waiting since it last became due: deferred (or put back, or retried) and not before
        # its scheduled time.
        cursor.execute(
            """
            SELECT coalesce(extract(epoch FROM now() - min(greatest(
                       coalesce(job.scheduled_at, '-infinity'::timestamptz),
                       (SELECT max(event.at) FROM procrastinate_events event
                         WHERE event.job_id = job.id)))), 0)
              FROM procrastinate_jobs job
             WHERE job.status = 'todo' AND (job.scheduled_at IS NULL OR job.scheduled_at <= now())
            """
        )
        oldest = float(cursor.fetchone()[0] or 0)
    return counts, max(0.0, oldest)
