"""Work done after a request has answered: PDF conversions (LibreOffice, seconds), the files of
后台任务 (``sanxiang.jobs``). Each app registers its kinds of work by name (``register``, from
its ``AppConfig.ready``) and asks for one with ``enqueue(name, **arguments)``.

Where the work runs is the installation's choice, ``SANXIANG_QUEUE``
(docs/operations/jobs.md):

- ``thread`` (default; what ``make run`` uses): one worker thread in each web process, fed
  after the request's transaction commits. Needs nothing but Python; a process stopped
  mid-work leaves the work to the on-demand path and to ``sanxiang documents pdf`` /
  ``sanxiang jobs``.
- ``procrastinate``: a job queue in PostgreSQL (``core.queue``), run by ``sanxiang worker``
  processes on any machine. The job is written in the request's own transaction (it exists
  exactly when the request's changes do), and a job whose worker died is retried by another.
- ``off``: nothing in the background (the work is made on demand; tests).

``SANXIANG_BACKGROUND=off`` (the older setting) still means ``off``.

Every kind of work must be idempotent: it may run twice (a retry after a crash, a reader who
needed the result first), and the database, not the worker's memory, makes its result once.
"""

from __future__ import annotations

import contextvars
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from threading import Lock
from typing import Any

from django.db import close_old_connections, connection, transaction

from sanxiang.core.work import TASKS, attempt, register, run

__all__ = ["attempt", "enabled", "enqueue", "mode", "register"]

logger = logging.getLogger(__name__)

MODES = ("thread", "procrastinate", "off")

_executor: ThreadPoolExecutor | None = None
_lock = Lock()
# The queueing locks of work submitted to this process's worker thread and not begun yet.
_pending: set[str] = set()


def mode() -> str:
    """``off`` if ``SANXIANG_BACKGROUND=off`` (what the demo's data loading and the tests set,
    whatever the queue), else ``SANXIANG_QUEUE`` (thread, procrastinate, off; an unknown value
    is ``thread``, and ``sanxiang check`` says so)."""
    if os.environ.get("SANXIANG_BACKGROUND", "thread").strip().lower() in ("off", "0", ""):
        return "off"
    chosen = os.environ.get("SANXIANG_QUEUE", "thread").strip().lower()
    return chosen if chosen in MODES else "thread"


def enabled() -> bool:
    return mode() != "off"


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sanxiang-bg")
        return _executor


def _run_in_thread(name: str, arguments: dict[str, Any], queueing_lock: str = "") -> None:
    if queueing_lock:
        with _lock:
            _pending.discard(queueing_lock)
    close_old_connections()
    try:
        run(name, arguments)
    except Exception:
        logger.exception(
            "background work %s %s failed; it is made on demand instead", name, arguments
        )
    finally:
        connection.close()


def _submit(
    context: contextvars.Context,
    name: str,
    arguments: dict[str, Any],
    queueing_lock: str,
    delay: float,
) -> None:
    if queueing_lock:
        with _lock:
            if queueing_lock in _pending:  # the same work waits already
                return
            _pending.add(queueing_lock)

    def submit() -> None:
        _pool().submit(context.run, _run_in_thread, name, arguments, queueing_lock)

    if delay > 0:
        timer = threading.Timer(delay, submit)
        timer.daemon = True
        timer.start()
    else:
        submit()


def enqueue(name: str, *, queueing_lock: str = "", delay: float = 0, **arguments: Any) -> None:
    """Have ``name`` run with ``arguments`` once the current transaction commits (never if it
    rolls back). With the queue the job is written inside the transaction itself.

    ``queueing_lock``: nothing is asked for while work with the same lock waits to begin (the
    queue's ``queueing_lock``; the worker thread's own list of waiting work). ``delay``: not
    before so many seconds (a worker thread's timer is lost with its process)."""
    if name not in TASKS:
        raise KeyError(f"no background work called {name!r}")
    chosen = mode()
    if chosen == "off":
        return
    if chosen == "procrastinate":
        from sanxiang.core.queue import defer

        defer(name, arguments, queueing_lock=queueing_lock, delay=delay)
        return
    # The job's log records carry the id of the request that asked for it.
    context = contextvars.copy_context()
    transaction.on_commit(lambda: _submit(context, name, arguments, queueing_lock, delay))
