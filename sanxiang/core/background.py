"""Work done after a request has answered: one worker thread per process, fed after commit.

Used for conversions that take seconds (Word → PDF through LibreOffice) so that no request
waits for them. Nothing depends on the thread: every job is idempotent, its result is made by
whoever needs it first if the thread has not got there (``document_pdf_ensure``), and
``sanxiang documents pdf`` makes whatever a stopped process left undone. A real queue replaces
this at province scale (DESIGN.md, #18); until then an installation needs no other process.

``SANXIANG_BACKGROUND=off`` leaves the work to the on-demand path and the command.
"""

from __future__ import annotations

import contextvars
import logging
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from threading import Lock

from django.db import close_old_connections, connection, transaction

logger = logging.getLogger(__name__)

_executor: ThreadPoolExecutor | None = None
_lock = Lock()


def enabled() -> bool:
    return os.environ.get("SANXIANG_BACKGROUND", "thread").strip().lower() not in ("off", "0", "")


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sanxiang-bg")
        return _executor


def _run(name: str, job: Callable[[], object]) -> None:
    close_old_connections()
    try:
        job()
    except Exception:
        logger.exception("background job %s failed; it is made on demand instead", name)
    finally:
        connection.close()


def after_commit(name: str, job: Callable[[], object]) -> None:
    """Run ``job`` in the background once the current transaction commits (never if it rolls
    back). ``name`` identifies it in the logs."""
    if not enabled():
        return
    # The job's log records carry the id of the request that asked for it.
    context = contextvars.copy_context()
    transaction.on_commit(lambda: _pool().submit(context.run, _run, name, job))
