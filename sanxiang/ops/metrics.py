"""Prometheus metrics at ``/metrics`` (prometheus_client, text format).

- ``sanxiang_http_request_duration_seconds{route,status}``: a histogram per URL pattern name
  (never the raw path, so the series stay few) and status class (2xx … 5xx);
- ``sanxiang_jobs{state}``: 后台任务 rows per state (queued and running are the queue's depth);
- ``sanxiang_ledger_entries{log}``: entries in each ledger log (one per agency, plus the
  installation's);
- ``sanxiang_evidence_bytes`` and ``sanxiang_evidence_blobs``: evidence stored (distinct blobs);
- ``sanxiang_queue_jobs{queue,status}`` and ``sanxiang_queue_oldest_waiting_seconds``: the job
  queue's jobs per status and the wait of its oldest due job, with ``SANXIANG_QUEUE=procrastinate``;
- ``sanxiang_replica_lag_seconds{alias}``: when a replica database alias is configured.

Several gunicorn workers each count their own requests; ``sanxiang serve`` points
``PROMETHEUS_MULTIPROC_DIR`` at ``SANXIANG_VAR/run/prometheus`` (emptied at each start), where
every worker keeps its samples, and a scrape served by any worker adds them all up. The table
figures are read at scrape time by the worker answering (at most every
``SANXIANG_METRICS_DB_SECONDS``), not per worker.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models import Count, OuterRef, Subquery, Sum
from django.http import HttpRequest, HttpResponse
from prometheus_client import CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import REGISTRY, Collector

from sanxiang.core.replica import LAG_QUERY, REPLICA

logger = logging.getLogger(__name__)

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))

REQUEST_SECONDS = Histogram(
    "sanxiang_http_request_duration_seconds",
    "Time from the request reaching Sanxiang to its response, by URL pattern and status class.",
    ["route", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)

# The replica helper's hook: the name of the read-replica database alias, if configured.
REPLICA_ALIAS = REPLICA


def request_observe(route: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(route=route, status=f"{status // 100}xx").observe(seconds)


def replica_lag_seconds(alias: str = REPLICA_ALIAS) -> float | None:
    """How far the replica's replay is behind its primary, in seconds; None without a replica
    alias or when it cannot say (not PostgreSQL, not a standby, unreachable).

    Zero when it has replayed all it received (an idle primary sends nothing, so the time since
    the last replayed transaction would otherwise grow without any lag).
    """
    if alias not in settings.DATABASES:
        return None
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return None
    try:
        with connection.cursor() as cursor:
            # The same measure the portal's replica router goes by (core.replica).
            cursor.execute(LAG_QUERY)
            row = cursor.fetchone()
    except DatabaseError:
        logger.warning("replica %s: lag not readable", alias, exc_info=True)
        return None
    return None if row is None or row[0] is None else float(row[0])


class TableCollector(Collector):
    """The figures read from the database, cached for ``SANXIANG_METRICS_DB_SECONDS``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._at = 0.0
        self._families: list[Metric] = []

    def collect(self) -> Iterator[Metric]:
        with self._lock:
            if time.monotonic() - self._at >= settings.SANXIANG_METRICS_DB_SECONDS:
                try:
                    self._families = list(self._read())
                except DatabaseError:
                    logger.warning("metrics: the tables could not be read", exc_info=True)
                    self._families = []
                self._at = time.monotonic()
            yield from self._families

    def _read(self) -> Iterator[Metric]:
        from sanxiang.evidence.models import Blob
        from sanxiang.jobs.models import Job, JobState
        from sanxiang.ledger.models import LedgerEntry, LedgerLog

        jobs = GaugeMetricFamily(
            "sanxiang_jobs",
            "后台任务 rows by state (queued + running: the queue's depth).",
            labels=["state"],
        )
        counts = dict(Job.objects.values_list("state").annotate(n=Count("pk")).order_by())
        for state in JobState.values:
            jobs.add_metric([state], counts.get(state, 0))
        yield jobs

        # The newest index of each log through the (log, index) index: no count over the table.
        newest = LedgerEntry.objects.filter(log=OuterRef("pk")).order_by("-index")
        sizes = GaugeMetricFamily(
            "sanxiang_ledger_entries",
            "Entries in each ledger log (one log per agency).",
            labels=["log"],
        )
        for key, last in LedgerLog.objects.annotate(
            last=Subquery(newest.values("index")[:1])
        ).values_list("key", "last"):
            sizes.add_metric([key], 0 if last is None else last + 1)
        yield sizes

        stored = Blob.objects.aggregate(bytes=Sum("size"), blobs=Count("pk"))
        yield GaugeMetricFamily(
            "sanxiang_evidence_bytes",
            "Bytes of evidence stored (each distinct blob once).",
            value=stored["bytes"] or 0,
        )
        yield GaugeMetricFamily(
            "sanxiang_evidence_blobs", "Distinct evidence blobs stored.", value=stored["blobs"]
        )

        yield from _queue_families()

        lag = replica_lag_seconds()
        if lag is not None:
            family = GaugeMetricFamily(
                "sanxiang_replica_lag_seconds", "Replay lag of the read replica.", labels=["alias"]
            )
            family.add_metric([REPLICA_ALIAS], lag)
            yield family


def _queue_families() -> Iterator[Metric]:
    """The job queue's depth, from procrastinate's own table, when the queue is on."""
    from sanxiang.core.background import mode

    if mode() != "procrastinate" or connections["default"].vendor != "postgresql":
        return
    from sanxiang.core.queue import queue_depth

    counts, oldest = queue_depth()
    jobs = GaugeMetricFamily(
        "sanxiang_queue_jobs",
        "Jobs in the job queue (procrastinate) by queue and status (todo: waiting).",
        labels=["queue", "status"],
    )
    seen = {(queue, status) for queue, status, _ in counts}
    for queue, status, n in counts:
        jobs.add_metric([queue, status], n)
    for status in ("todo", "doing"):  # the depth is 0, not absent, when nothing waits
        if ("default", status) not in seen:
            jobs.add_metric(["default", status], 0)
    yield jobs
    yield GaugeMetricFamily(
        "sanxiang_queue_oldest_waiting_seconds",
        "How long the job queue's oldest job due to run has waited (0: none waits).",
        value=oldest,
    )


_tables = TableCollector()


def exposition() -> bytes:
    """The text of one scrape: every worker's request samples, and the table figures."""
    registry = CollectorRegistry()
    if MULTIPROCESS:
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        requests = generate_latest(registry)
    else:
        requests = generate_latest(REGISTRY)
    tables = CollectorRegistry()
    tables.register(_tables)
    return requests + generate_latest(tables)


def metrics_view(request: HttpRequest) -> HttpResponse:
    from sanxiang.ops.access import metrics_allowed

    if not metrics_allowed(request):
        return HttpResponse(
            "无权读取运行指标：仅限配置的监控地址或持有监控令牌的请求。\n",
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
