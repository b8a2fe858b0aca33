"""The job queue for document rendering, measured: Celery on Redis and procrastinate on
PostgreSQL, each with one worker process, against rendering inline, in the same run.

Every job is the real work a background job does: a Word file (a 现场检查笔录-sized page of
Chinese text) converted to PDF by LibreOffice (``convert_to_pdf``). A job records its result in
a PostgreSQL table whose key is the job's input (``INSERT ... ON CONFLICT DO NOTHING``) and
every run of it in another, so the bench counts results and runs separately.

Figures, per queue: throughput (jobs/s, from the first enqueue to the last result) against
inline rendering of the same jobs one after another (measured before and after the queues; the
baseline is their mean, the machine being shared); enqueue latency (median and p95 of what a
request pays: procrastinate's INSERT inside the request's transaction, Celery's publish after
the commit; no worker running); crash behaviour: one job, the worker (and its LibreOffice)
killed with SIGKILL mid-render, a new worker started at once: seconds from the kill to the
result, how many completed runs, how many results. Both queues are set to notice a dead worker
after 3 s: procrastinate by the worker's heartbeat (1 s), safe for jobs of any length; Celery by
Redis's visibility timeout, which hands out again any job unacknowledged for 3 s — a running
job too, so in production it must exceed the longest job (see docs/operations/jobs.md).

Run: ``scripts/with-postgres.py -- .venv/bin/python bench/queue_bench.py [--jobs 8]``
(needs ``redis-server`` from Debian and ``celery[redis]``, ``procrastinate`` from PyPI; a
queue whose parts are missing is reported as skipped). Never asserts times.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("SANXIANG_VAR", tempfile.mkdtemp(prefix="sanxiang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")

HERE = Path(__file__).resolve().parent
DOCX = Path(os.environ["SANXIANG_VAR"]) / "queue-bench.docx"
REDIS_URL = os.environ.get("QUEUE_BENCH_REDIS", "")
CRASH_STALL_SECONDS = 3  # procrastinate: a worker silent this long is dead
CELERY_VISIBILITY = 3  # Celery on Redis: an unacknowledged job is handed out again after this


def _db() -> Any:
    import psycopg

    return psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)


def render(key: str) -> None:
    """One job: the conversion, then its result (once per key) and its run (every time)."""
    import django

    django.setup()
    from sanxiang.cases.documents import convert_to_pdf

    pdf = convert_to_pdf(DOCX.read_bytes())
    with _db() as db:
        db.execute("INSERT INTO bench_run (key) VALUES (%s)", (key,))
        db.execute(
            "INSERT INTO bench_result (key, size) VALUES (%s, %s) ON CONFLICT DO NOTHING",
            (key, len(pdf)),
        )


# --- procrastinate -----------------------------------------------------------------------


def procrastinate_app() -> Any:
    import procrastinate

    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=os.environ["DATABASE_URL"])
    )
    app.task(name="bench.render", retry=3, pass_context=False)(render)
    return app


def procrastinate_worker() -> None:
    import asyncio
    import logging

    logging.basicConfig(level=logging.WARNING)

    app = procrastinate_app()

    async def sweep() -> None:
        while True:
            stalled = await app.job_manager.get_stalled_jobs(
                seconds_since_heartbeat=CRASH_STALL_SECONDS
            )
            for job in stalled:
                await app.job_manager.retry_job(job)
            await asyncio.sleep(1)

    async def main() -> None:
        async with app.open_async():
            sweeper = asyncio.create_task(sweep())
            try:
                await app.run_worker_async(
                    concurrency=1, update_heartbeat_interval=1, install_signal_handlers=True
                )
            finally:
                sweeper.cancel()

    asyncio.run(main())


# --- Celery ------------------------------------------------------------------------------


def celery_app() -> Any:
    from celery import Celery  # type: ignore[import-untyped,import-not-found,unused-ignore]

    app = Celery("queue_bench", broker=REDIS_URL)
    app.conf.update(
        task_acks_late=True,  # acknowledged after the run: a killed worker's job comes back
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_transport_options={
            "visibility_timeout": CELERY_VISIBILITY,
            # Look for such jobs every second (kombu's default: every 10 × 10 s).
            "unacked_restore_interval": 1,
            "unacked_restore_throttle": 1,
        },
        broker_connection_retry_on_startup=True,
    )
    app.task(name="bench.render")(render)
    return app


celery = celery_app() if REDIS_URL else None  # ``celery -A queue_bench`` loads this


# --- the run -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _make_docx() -> None:
    from docx import Document

    document = Document()
    document.add_heading("现场检查（勘验）笔录", 0)
    for n in range(40):
        document.add_paragraph(
            f"第 {n + 1} 项：执法人员出示执法证件，告知当事人依法享有陈述、申辩的权利；"
            "检查发现当事人在人民路 100 号门前占道摆摊经营，占用面积约 3 平方米。"
        )
    buffer = io.BytesIO()
    document.save(buffer)
    DOCX.write_bytes(buffer.getvalue())


def _reset() -> None:
    with _db() as db:
        db.execute("DROP TABLE IF EXISTS bench_run, bench_result")
        db.execute("CREATE TABLE bench_run (id serial PRIMARY KEY, key text NOT NULL)")
        db.execute("CREATE TABLE bench_result (key text PRIMARY KEY, size int NOT NULL)")


def _counts() -> tuple[int, int]:
    with _db() as db:
        runs = db.execute("SELECT count(*) FROM bench_run").fetchone()
        results = db.execute("SELECT count(*) FROM bench_result").fetchone()
    return int(runs[0]), int(results[0])


def _wait_results(n: int, timeout: float = 900) -> float:
    deadline = time.monotonic() + timeout
    while _counts()[1] < n:
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {n} results")
        time.sleep(0.05)
    return time.perf_counter()


def _wait_running(timeout: float = 120) -> None:
    """Until LibreOffice is converting (the job is mid-render)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pattern = f"soffice.*{os.environ['SANXIANG_VAR']}"
        found = subprocess.run(["pgrep", "-f", pattern], capture_output=True)
        if found.returncode == 0:
            time.sleep(0.5)
            return
        time.sleep(0.05)
    raise SystemExit("the job never started")


def _start(command: list[str]) -> subprocess.Popen[bytes]:
    log = open(Path(os.environ["SANXIANG_VAR"]) / "queue-bench-workers.log", "ab")  # noqa: SIM115
    return subprocess.Popen(
        command,
        cwd=HERE,
        env={**os.environ, "QUEUE_BENCH_REDIS": REDIS_URL, "PYTHONPATH": str(HERE.parent)},
        stdout=log,
        stderr=log,
        start_new_session=True,  # its own group: SIGKILL takes its LibreOffice too
    )


def _kill(process: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    process.wait(timeout=30)


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95 + 0.5) - 1)]


def measure(
    name: str, worker: list[str], enqueue: Any, timed: Any, empty: Any, jobs: int, calls: int
) -> dict[str, Any]:
    # Enqueue latency: what a request pays to hand over a job (no worker running, so the
    # figures are the queue's alone; the jobs are thrown away afterwards).
    timed(f"{name}-warm")
    latencies = [timed(f"{name}-latency-{n}") for n in range(calls)]
    empty()
    _reset()
    process = _start(worker)
    time.sleep(8)  # the worker is up (its start is not part of the throughput)
    began = time.perf_counter()
    for n in range(jobs):
        enqueue(f"{name}-{n}")
    ended = _wait_results(jobs)
    _kill(process, signal.SIGTERM)
    runs, results = _counts()
    # Crash: one job, its worker killed mid-render, another worker started at once.
    _reset()
    first = _start(worker)
    time.sleep(8)
    enqueue(f"{name}-crash")
    _wait_running()
    killed = time.perf_counter()
    _kill(first)
    second = _start(worker)
    recovered = _wait_results(1)
    crash_runs, crash_results = _counts()
    _kill(second, signal.SIGTERM)
    return {
        "throughput": jobs / (ended - began),
        "enqueue_median_ms": statistics.median(latencies) * 1000,
        "enqueue_p95_ms": _p95(latencies) * 1000,
        "runs": runs,
        "results": results,
        "crash_seconds": recovered - killed,
        "crash_runs": crash_runs,
        "crash_results": crash_results,
    }


def main() -> None:
    global REDIS_URL
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=8)
    parser.add_argument("--calls", type=int, default=200, help="enqueues timed for latency")
    parser.add_argument("--worker", choices=["procrastinate"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        procrastinate_worker()
        return
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("run under scripts/with-postgres.py (the results live in PostgreSQL)")
    import django

    django.setup()
    from sanxiang.cases.documents import convert_to_pdf

    _make_docx()
    convert_to_pdf(DOCX.read_bytes())  # LibreOffice's first start (fonts, caches) is not timed
    print(f"jobs: {args.jobs} Word → PDF conversions (LibreOffice), one worker, 2-core machine")

    def inline_rate(tag: str) -> float:
        _reset()
        began = time.perf_counter()
        for n in range(args.jobs):
            render(f"inline-{tag}-{n}")
        return float(args.jobs) / (time.perf_counter() - began)

    inline_before = inline_rate("before")

    figures: dict[str, dict[str, Any]] = {}
    try:
        import procrastinate

        app = procrastinate_app()
        app.open()
        app.schema_manager.apply_schema()
        app.close()
        # As a request enqueues (sanxiang.core.queue.defer): through Django's connection, in
        # the request's transaction.
        from django.db import connection, transaction
        from procrastinate.contrib.django.django_connector import DjangoConnector

        web = procrastinate.App(connector=DjangoConnector())
        web.task(name="bench.render", retry=3, pass_context=False)(render)
        web.open()
        task = web.tasks["bench.render"]

        def defer(key: str) -> None:
            with transaction.atomic():
                task.defer(key=key)

        def timed_defer(key: str) -> float:
            """The job's INSERT in a request's transaction (whose commit the request pays
            anyway, so it is not counted)."""
            with transaction.atomic():
                began = time.perf_counter()
                task.defer(key=key)
                return time.perf_counter() - began

        def empty() -> None:
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE procrastinate_jobs CASCADE")

        figures["procrastinate 3 / PostgreSQL"] = measure(
            "procrastinate",
            [sys.executable, str(Path(__file__).resolve()), "--worker", "procrastinate"],
            defer,
            timed_defer,
            empty,
            args.jobs,
            args.calls,
        )
    except ImportError as exc:
        print(f"procrastinate: skipped ({exc})")

    redis_server = subprocess.run(["which", "redis-server"], capture_output=True, text=True)
    if redis_server.returncode != 0:
        print("celery: skipped (no redis-server; apt-get install redis-server)")
    else:
        port = _free_port()
        redis_dir = tempfile.mkdtemp(prefix="queue-bench-redis-")
        redis = subprocess.Popen(
            [redis_server.stdout.strip(), "--port", str(port), "--bind", "127.0.0.1",
             "--dir", redis_dir, "--save", "", "--appendonly", "yes"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            REDIS_URL = f"redis://127.0.0.1:{port}/0"
            app = celery_app()
            task = app.tasks["bench.render"]

            def publish(key: str) -> float:
                """The publish after the request's commit (``transaction.on_commit``)."""
                began = time.perf_counter()
                task.delay(key=key)
                return time.perf_counter() - began

            figures["Celery 5 / Redis 7"] = measure(
                "celery",
                [sys.executable, "-m", "celery", "-A", "queue_bench", "worker", "--pool", "solo",
                 "--concurrency", "1", "--loglevel", "WARNING", "--without-gossip",
                 "--without-mingle", "--without-heartbeat"],
                lambda key: task.delay(key=key),
                publish,
                lambda: app.control.purge(),
                args.jobs,
                args.calls,
            )  # fmt: skip
        except ImportError as exc:
            print(f"celery: skipped ({exc})")
        finally:
            redis.terminate()
            redis.wait()

    # Inline again at the end: the baseline is the mean of both, so that load from other work
    # on the machine during the run weighs on the baseline as on the queues.
    inline_after = inline_rate("after")
    inline = (inline_before + inline_after) / 2
    print(
        f"inline (baseline, one after another in the caller): {inline:.3f} jobs/s "
        f"(before the queues {inline_before:.3f}, after {inline_after:.3f})"
    )
    for name, f in figures.items():
        print(f"\n{name}:")
        print(
            f"  throughput {f['throughput']:.3f} jobs/s "
            f"(ratio against inline {f['throughput'] / inline:.2f}); "
            f"{f['runs']} runs, {f['results']} results for {args.jobs} jobs"
        )
        print(
            f"  enqueue latency median {f['enqueue_median_ms']:.2f} ms, "
            f"p95 {f['enqueue_p95_ms']:.2f} ms"
        )
        print(
            f"  worker killed mid-render: result {f['crash_seconds']:.1f} s after the kill, "
            f"{f['crash_runs']} completed run(s), {f['crash_results']} result(s)"
        )


if __name__ == "__main__":
    main()
