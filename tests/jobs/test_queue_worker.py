"""The job queue with real processes (SANXIANG_QUEUE=procrastinate, PostgreSQL): work asked for
in one process is done by a ``sanxiang worker`` process; a worker killed with SIGKILL in the
middle of a LibreOffice conversion leaves its job to another worker, and the document version
ends with exactly one PDF; a job that cannot succeed ends failed with the Chinese message its
page shows."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests.conftest import REPO, SANXIANG

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the job queue needs PostgreSQL (the PostgreSQL run: scripts/with-postgres.py)",
    ),
]

QUEUE = {
    "SANXIANG_BACKGROUND": "thread",
    "SANXIANG_QUEUE": "procrastinate",
    "SANXIANG_QUEUE_HEARTBEAT": "1",
    "SANXIANG_QUEUE_STALLED_AFTER": "3",
}


PDF_OF = "SELECT pdf_sha256 FROM cases_casedocument WHERE id = %s"
STATE_OF = "SELECT state FROM jobs_job WHERE id = %s"


def _env(instance: Any, **extra: str) -> dict[str, str]:
    return {**instance.env, **QUEUE, **extra}


def _drive(instance: Any, *args: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "tests.jobs.concurrent_queue", *args],
        env=_env(instance), cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


@contextmanager
def worker(instance: Any, **extra: str) -> Iterator[subprocess.Popen[bytes]]:
    """``sanxiang worker`` in its own process group (SIGKILL takes its LibreOffice too, as when
    its machine dies); stopped with SIGTERM at the end if still running."""
    log = open(instance.var / "worker.log", "ab")  # noqa: SIM115
    process = subprocess.Popen(
        [str(SANXIANG), "worker"], env=_env(instance, **extra), stdout=log, stderr=log,
        start_new_session=True,
    )  # fmt: skip
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)
        log.close()


def _until(check: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _value(instance: Any, query: str, *params: object) -> Any:
    """One value from the installation's database (cheap enough to poll)."""
    import psycopg

    with psycopg.connect(instance.env["DATABASE_URL"], autocommit=True) as db:
        row = db.execute(query, params).fetchone()
    return row[0] if row else None


def _converting(instance: Any) -> bool:
    found = subprocess.run(["pgrep", "-f", f"soffice.*{instance.var}"], capture_output=True)
    return found.returncode == 0


@pytest.fixture(scope="module")
def queued(instance) -> Any:
    """The shared installation with the queue's tables (``sanxiang migrate`` makes them)."""
    subprocess.run(
        [str(SANXIANG), "migrate", "--noinput", "-v0"], env=_env(instance), check=True,
        capture_output=True, timeout=300,
    )  # fmt: skip
    return instance


def test_a_worker_killed_mid_render_leaves_the_pdf_to_another_made_once(queued):
    with worker(queued) as first:
        document = _drive(queued, "document")["document"]
        _until(lambda: _converting(queued), 300, "LibreOffice converting in the first worker")
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
        state = _drive(queued, "document-state", str(document))
        assert not state["pdf"] and state["queue"] == [["doing", 0]]
    with worker(queued):
        _until(lambda: _value(queued, PDF_OF, document), 180, "the second worker's PDF")
    state = _drive(queued, "document-state", str(document))
    # One version, one PDF, one ledger event; the queue ran the job twice (killed, then done).
    assert state["versions"] == 1 and state["pdf_events"] == 1
    assert state["queue"] == [["succeeded", 2]]


def test_a_job_that_cannot_succeed_ends_failed_with_the_message_its_page_shows(queued):
    # A worker on a machine without LibreOffice: the 统计年报's PDF cannot be made there.
    bare = str(SANXIANG.parent)
    job = _drive(queued, "report-pdf", "2025")["job"]
    with worker(queued, PATH=bare):
        _until(lambda: _value(queued, STATE_OF, job) == "failed", 120, "the job to end")
    state = _drive(queued, "job-state", str(job))
    status = state["status"]
    assert status["state"] == "failed" and status["state_label"] == "失败"
    assert status["message"].startswith("服务器未安装 LibreOffice，无法生成 PDF")
    assert status["download"] == "" and "soffice not found" in state["error"]
    assert state["queue"] == [["succeeded", 1]]  # the queue's job ran once; the 任务 failed


def test_two_sweepers_put_a_stalled_job_back_once_and_never_one_another_worker_took(queued):
    """Every worker sweeps: one at a time (an advisory lock), and a job is put back only while
    it still runs under the dead worker it was listed with; after CRASH_REQUEUES deaths it
    ends failed instead of being put back forever."""
    import psycopg

    from sanxiang.core.queue import _REQUEUE, CRASH_REQUEUES, SWEEP_LOCK, sweep_once

    url = queued.env["DATABASE_URL"]
    with psycopg.connect(url, autocommit=True) as a, psycopg.connect(url, autocommit=True) as b:

        def row(query: str, *params: object) -> Any:
            found = a.execute(query, params).fetchone()
            assert found is not None
            return found

        def job(attempts: int, worker: int) -> int:
            return int(row(
                "INSERT INTO procrastinate_jobs (queue_name, task_name, args, status, attempts,"
                " worker_id) VALUES ('default', 'sanxiang.background', %s, 'doing', %s, %s)"
                " RETURNING id",
                json.dumps({"name": "test.none", "arguments": {}}), attempts, worker,
            )[0])  # fmt: skip

        def status(job_id: int) -> tuple[str, int, int | None]:
            query = "SELECT status::text, attempts, worker_id FROM procrastinate_jobs WHERE id = %s"
            return tuple(row(query, job_id))

        a.execute("DELETE FROM procrastinate_jobs WHERE status = 'doing'")
        dead = row(
            "INSERT INTO procrastinate_workers (last_heartbeat) VALUES (NOW() - interval '1 hour')"
            " RETURNING id"
        )[0]
        alive = row("INSERT INTO procrastinate_workers DEFAULT VALUES RETURNING id")[0]
        stalled, doomed = job(0, dead), job(CRASH_REQUEUES, dead)

        # While one worker sweeps (holds the lock), another's sweep does nothing.
        with a.transaction():
            a.execute("SELECT pg_advisory_xact_lock(%s)", (SWEEP_LOCK,))
            assert sweep_once(b, 3) == ([], [])
        assert status(stalled) == ("doing", 0, dead)

        requeued, given_up = sweep_once(b, 3)
        assert requeued == [stalled] and status(stalled) == ("todo", 1, dead)
        assert given_up == [{"name": "test.none", "arguments": {}}]
        assert status(doomed)[0] == "failed"

        # A live worker takes the job again; a sweep that listed it under the dead worker
        # before (the second of two racing sweeps) leaves it running, and nothing revives the
        # failed one.
        a.execute(
            "UPDATE procrastinate_jobs SET status = 'doing', worker_id = %s WHERE id = %s",
            (alive, stalled),
        )
        late = {"id": stalled, "worker_id": dead, "stalled_after": 3}
        assert a.execute(_REQUEUE, late).fetchone() is None
        assert sweep_once(a, 3) == ([], []) and sweep_once(b, 3) == ([], [])
        assert status(stalled) == ("doing", 1, alive) and status(doomed)[0] == "failed"
        a.execute("DELETE FROM procrastinate_jobs WHERE id IN (%s, %s)", (stalled, doomed))
        a.execute("DELETE FROM procrastinate_workers WHERE id IN (%s, %s)", (dead, alive))
