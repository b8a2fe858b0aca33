"""Choosing where background work runs (SANXIANG_QUEUE): a wrong name or a queue without its
database is refused by ``sanxiang check`` in Chinese; ``sanxiang worker`` refuses to start when
there is no queue to work for; the older SANXIANG_BACKGROUND=off still turns everything off."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.db import connection

from sanxiang.core import background


def test_a_wrong_queue_name_is_refused_by_the_checks(monkeypatch):
    monkeypatch.setenv("SANXIANG_QUEUE", "celery")
    with pytest.raises(SystemCheckError, match="SANXIANG_QUEUE='celery' 无效"):
        call_command("check")
    assert background.mode() == "thread"


@pytest.mark.skipif(connection.vendor == "postgresql", reason="about SQLite installations")
def test_the_queue_needs_postgresql(monkeypatch):
    monkeypatch.setenv("SANXIANG_QUEUE", "procrastinate")
    with pytest.raises(SystemCheckError, match="需要 PostgreSQL"):
        call_command("check")


def test_the_worker_refuses_to_start_without_the_queue(monkeypatch):
    monkeypatch.delenv("SANXIANG_QUEUE", raising=False)
    with pytest.raises(CommandError, match="未启用任务队列"):
        call_command("worker")


def test_background_off_wins_over_the_queue(monkeypatch):
    monkeypatch.setenv("SANXIANG_QUEUE", "procrastinate")
    monkeypatch.setenv("SANXIANG_BACKGROUND", "off")
    assert background.mode() == "off" and not background.enabled()


def test_every_kind_of_background_work_is_registered_by_its_app():
    from sanxiang.core.work import TASKS

    assert {"cases.document_pdf", "supervision.opinion_pdf", "jobs.run"} <= set(TASKS)
    with pytest.raises(KeyError):
        background.enqueue("no.such_work")


def test_the_worker_connects_with_the_databases_tls_options(monkeypatch):
    from types import SimpleNamespace

    from psycopg.conninfo import conninfo_to_dict

    from sanxiang.core import queue

    databases = {
        "default": {
            "NAME": "sanxiang",
            "USER": "app",
            "PASSWORD": "p w'd",
            "HOST": "db.example",
            "PORT": 5432,
            "OPTIONS": {
                "sslmode": "verify-full",
                "sslrootcert": "/etc/ssl/ca root.pem",
                "connect_timeout": 5,
                # Django's own options (prepared statements): not libpq parameters.
                "server_side_binding": True,
                "prepare_threshold": 5,
            },
        }
    }
    monkeypatch.setattr(queue, "settings", SimpleNamespace(DATABASES=databases))
    assert conninfo_to_dict(queue._conninfo()) == {
        "dbname": "sanxiang",
        "user": "app",
        "password": "p w'd",
        "host": "db.example",
        "port": "5432",
        "sslmode": "verify-full",
        "sslrootcert": "/etc/ssl/ca root.pem",
        "connect_timeout": "5",
    }


def test_a_queued_jobs_log_lines_carry_the_id_of_the_request_that_asked_for_it(monkeypatch):
    import logging
    from types import SimpleNamespace

    from sanxiang.core import queue
    from sanxiang.core.logs import RequestContextFilter
    from sanxiang.core.request_context import RequestInfo, current
    from sanxiang.core.work import TASKS

    token = current.set(RequestInfo(request_id="req-42", method="POST", path="/report/2025/"))
    try:
        asked = queue._request()  # what ``defer`` stores with the job
    finally:
        current.reset(token)
    assert asked == {"id": "req-42", "method": "POST", "path": "/report/2025/"}

    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep()
    handler.addFilter(RequestContextFilter())
    log = logging.getLogger("sanxiang.test.queued")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.disabled = False
    TASKS["test.log"] = lambda: log.warning("working")
    context = SimpleNamespace(job=SimpleNamespace(attempts=0))
    # The work runs without the database here (a worker's connection handling aside).
    monkeypatch.setattr(queue, "close_old_connections", lambda: None)
    monkeypatch.setattr(queue, "connection", SimpleNamespace(close=lambda: None))
    try:
        queue._task(context, "test.log", {}, request=asked)
        queue._task(context, "test.log", {})  # a job written before jobs carried it
    finally:
        del TASKS["test.log"]
        log.removeHandler(handler)
    assert [getattr(r, "request_id", None) for r in records] == ["req-42", "-"]
    assert current.get() is None
