"""``sanxiang prune``: what only grows and is no record goes after its keeping time — the files
of 后台任务 that ended long ago (the rows stay, the page says the file was cleared), refused API
authentications past their cool-off, the job queue's finished jobs and their events — while
recent and unfinished ones stay, ``--dry-run`` changes nothing, the Idempotency-Keys stay unless
an operator sets a window, and the ledger is untouched."""

from __future__ import annotations

import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from sanxiang.jobs.kinds import KINDS, Kind, Made
from sanxiang.jobs.models import Job, JobState
from sanxiang.jobs.services import PRUNED_MESSAGE, job_request
from sanxiang.ledger.models import LedgerEntry
from sanxiang.org.models import ApiAuthFailure, ApiWrite
from sanxiang.org.tokens import api_token_create

pytestmark = pytest.mark.django_db

POSTGRES = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the job queue needs PostgreSQL (the PostgreSQL run: scripts/with-postgres.py)",
)


@pytest.fixture
def kind():
    def make(job, progress):
        return Made(f"报表 {job.pk}".encode(), "报表.txt", "text/plain; charset=utf-8")

    KINDS["test_report"] = Kind("test_report", "测试报表", lambda o: True, make, lambda j: "/")
    yield "test_report"
    del KINDS["test_report"]


@pytest.fixture
def jobs_folder(settings, tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("SANXIANG_BACKGROUND", "off")
    settings.SANXIANG_JOBS_DIR = str(tmp_path / "jobs")
    return Path(settings.SANXIANG_JOBS_DIR)


def prune(*args: str) -> str:
    out = io.StringIO()
    call_command("prune", *args, stdout=out)
    return out.getvalue()


def _ended(job: Job, days: int) -> None:
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=days))


def test_old_job_files_go_the_rows_stay_and_recent_and_open_jobs_keep_theirs(
    client, staff, kind, jobs_folder
):
    old = job_request(actor=staff.head, kind=kind, params={"n": 1})
    recent = job_request(actor=staff.head, kind=kind, params={"n": 2})
    _ended(old, 31)
    _ended(recent, 29)
    # A job queued long ago and never run is not finished: nothing of it goes.
    waiting = Job.objects.create(
        kind=kind, params={"n": 3}, input_key="x", agency=staff.head.unit.agency,
        requested_by=staff.head,
    )  # fmt: skip
    Job.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(days=90))
    client.force_login(staff.head.user)
    assert client.get(reverse("jobs:download", args=[old.pk])).status_code == 200
    ledger = LedgerEntry.objects.count()

    told = prune("--dry-run")
    assert "后台任务的结果文件：将清理 1 项" in told and "未做任何改动" in told
    assert (jobs_folder / str(old.pk) / "result").is_file()
    assert client.get(reverse("jobs:download", args=[old.pk])).status_code == 200
    ledger += 1  # that download is in the ledger

    told = prune()
    assert "后台任务的结果文件：已清理 1 项" in told
    assert not (jobs_folder / str(old.pk)).exists()
    assert (jobs_folder / str(recent.pk) / "result").is_file()
    assert Job.objects.count() == 3
    old.refresh_from_db()
    assert old.state == JobState.DONE and old.downloads == 2 and old.message == PRUNED_MESSAGE
    status = client.get(reverse("jobs:status", args=[old.pk])).json()
    assert status["download"] == "" and status["message"] == PRUNED_MESSAGE
    page = client.get(reverse("jobs:detail", args=[old.pk])).content.decode()
    assert PRUNED_MESSAGE in page and "下载文件</a>" in page  # the link is there but hidden
    gone = client.get(reverse("jobs:download", args=[old.pk]))
    assert gone.status_code == 404 and "重新生成" in gone.content.decode()
    assert client.get(reverse("jobs:download", args=[recent.pk])).content == (
        f"报表 {recent.pk}".encode()
    )
    ledger += 1
    assert LedgerEntry.objects.count() == ledger  # pruning wrote and removed nothing there
    # Asking again makes the file again, in a new job.
    again = job_request(actor=staff.head, kind=kind, params={"n": 1})
    assert again.pk != old.pk and again.state == JobState.DONE
    # A second run finds nothing more.
    assert "后台任务的结果文件：已清理 0 项" in prune()


def test_a_keeping_time_of_0_keeps_the_files(settings, staff, kind, jobs_folder):
    settings.SANXIANG_PRUNE_JOB_FILES_DAYS = 0
    old = job_request(actor=staff.head, kind=kind, params={})
    _ended(old, 400)
    assert "后台任务的结果文件：按设置保留" in prune()
    assert (jobs_folder / str(old.pk) / "result").is_file()


def test_idempotency_keys_stay_unless_a_window_is_set_and_stale_auth_failures_go(settings, agency):
    token, _ = api_token_create(
        agency_credit_code=agency.credit_code, name="政务服务平台", scopes=["permits:write"]
    )
    now = timezone.now()
    for key, age in (("old", 400), ("new", 10)):
        write = ApiWrite.objects.create(token=token, key=key, operation="permit", status=201)
        ApiWrite.objects.filter(pk=write.pk).update(created_at=now - timedelta(days=age))
    for ip, minutes in (("198.51.100.1", 60), ("198.51.100.2", 5)):
        failure = ApiAuthFailure.objects.create(client_ip=ip)
        ApiAuthFailure.objects.filter(pk=failure.pk).update(at=now - timedelta(minutes=minutes))

    told = prune("--dry-run")
    assert "接口认证失败记录（已过冷却期）：将清理 1 项" in told
    assert "接口幂等键（写入记录）：按设置保留" in told
    assert ApiAuthFailure.objects.count() == 2

    told = prune()
    assert list(ApiAuthFailure.objects.values_list("client_ip", flat=True)) == ["198.51.100.2"]
    assert ApiWrite.objects.count() == 2  # kept indefinitely by default (api.md)

    settings.SANXIANG_PRUNE_API_KEYS_DAYS = 365
    assert "接口幂等键（写入记录）：已清理 1 项" in prune()
    assert list(ApiWrite.objects.values_list("key", flat=True)) == ["new"]


def _queue_job(status: str, finished_days_ago: float) -> int:
    """A job in procrastinate's table as its worker leaves it, its events dated as given."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, args, status)"
            " VALUES ('default', 'sanxiang.background', '{}', 'todo') RETURNING id"
        )
        job_id = cursor.fetchone()[0]
        if status != "todo":
            cursor.execute(
                "UPDATE procrastinate_jobs SET status = %s WHERE id = %s", [status, job_id]
            )
        cursor.execute(
            "UPDATE procrastinate_events SET at = now() - make_interval(secs => %s)"
            " WHERE job_id = %s",
            [finished_days_ago * 86400, job_id],
        )
    return int(job_id)


def _queue_ids() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM procrastinate_jobs")
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def queue_on(monkeypatch):
    monkeypatch.setenv("SANXIANG_BACKGROUND", "thread")
    monkeypatch.setenv("SANXIANG_QUEUE", "procrastinate")
    from sanxiang.core.queue import schema_ensure

    schema_ensure()


@POSTGRES
def test_the_queues_old_finished_jobs_and_their_events_go_waiting_and_recent_ones_stay(
    queue_on, settings, tmp_path
):
    settings.SANXIANG_JOBS_DIR = str(tmp_path)
    ledger = LedgerEntry.objects.count()
    old_done = _queue_job("succeeded", 20)
    old_failed = _queue_job("failed", 15)
    recent = _queue_job("succeeded", 3)
    waiting = _queue_job("todo", 60)  # waiting for a worker for two months: still to do
    running = _queue_job("doing", 60)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM procrastinate_events")
        events = cursor.fetchone()[0]

    told = prune("--dry-run")
    assert "任务队列中已结束的任务：将清理 2 项（及其事件 " in told
    assert _queue_ids() == {old_done, old_failed, recent, waiting, running}

    prune()
    assert _queue_ids() == {recent, waiting, running}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM procrastinate_events WHERE job_id = ANY(%s)",
            [[old_done, old_failed]],
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT count(*) FROM procrastinate_events")
        assert 0 < cursor.fetchone()[0] < events
    assert LedgerEntry.objects.count() == ledger


def test_the_queues_workers_run_prune_on_a_schedule():
    from procrastinate.testing import InMemoryConnector

    from sanxiang.core.queue import PERIODIC_TASK, _app

    app = _app(InMemoryConnector())
    scheduled = {
        key: (task.cron, task.configure_kwargs.get("task_kwargs"))
        for key, task in app.periodic_registry.periodic_tasks.items()
    }
    assert scheduled[(PERIODIC_TASK, "ops.prune")] == ("17 19 * * *", {"name": "ops.prune"})


def _sample(text: str, name: str, **labels: str) -> float | None:
    for line in text.splitlines():
        if line.startswith(name + ("{" if labels else " ")) and all(
            f'{key}="{value}"' in line for key, value in labels.items()
        ):
            return float(line.rsplit(" ", 1)[1])
    return None


@POSTGRES
def test_metrics_show_the_queues_depth_and_its_oldest_waiting_job(client, queue_on, settings):
    from sanxiang.ops import metrics

    settings.SANXIANG_METRICS_DB_SECONDS = 0
    metrics._tables._at = float("-inf")
    text = client.get("/metrics").content.decode()
    assert _sample(text, "sanxiang_queue_jobs", queue="default", status="todo") == 0
    assert _sample(text, "sanxiang_queue_oldest_waiting_seconds") == 0

    _queue_job("todo", 600 / 86400)  # waiting ten minutes
    _queue_job("todo", 60 / 86400)
    _queue_job("doing", 1)
    _queue_job("succeeded", 1)
    later = _queue_job("todo", 0)  # due tomorrow: not waiting yet
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_jobs SET scheduled_at = now() + interval '1 day' WHERE id = %s",
            [later],
        )
    metrics._tables._at = float("-inf")
    text = client.get("/metrics").content.decode()
    assert _sample(text, "sanxiang_queue_jobs", queue="default", status="todo") == 3
    assert _sample(text, "sanxiang_queue_jobs", queue="default", status="doing") == 1
    assert _sample(text, "sanxiang_queue_jobs", queue="default", status="succeeded") == 1
    oldest = _sample(text, "sanxiang_queue_oldest_waiting_seconds")
    assert oldest is not None and 600 <= oldest < 660


def test_metrics_say_nothing_of_the_queue_when_it_is_off(client, settings):
    from sanxiang.ops import metrics

    settings.SANXIANG_METRICS_DB_SECONDS = 0
    metrics._tables._at = float("-inf")
    text = client.get("/metrics").content.decode()
    assert "sanxiang_jobs{" in text and "sanxiang_queue_jobs" not in text


def test_a_bad_schedule_or_a_negative_keeping_time_is_refused_by_the_checks(settings):
    from django.core.checks import run_checks

    assert not {e.id for e in run_checks()} & {"sanxiang.E010", "sanxiang.E011"}
    settings.SANXIANG_PRUNE_CRON = "every night"
    settings.SANXIANG_PRUNE_QUEUE_DAYS = -1
    assert {"sanxiang.E010", "sanxiang.E011"} <= {e.id for e in run_checks()}


def test_the_complaint_forms_counts_older_than_a_day_go():
    from sanxiang.complaints.models import Outcome, Submission

    now = timezone.now()
    for hours in (30, 20):
        Submission.objects.create(
            at=now - timedelta(hours=hours), address_hash="a" * 64, session_hash="s" * 64,
            outcome=Outcome.REGISTERED,
        )  # fmt: skip
    assert "投诉举报提交次数记录（一天前）：将清理 1 项" in prune("--dry-run")
    assert Submission.objects.count() == 2
    prune()
    assert [s.at for s in Submission.objects.all()] == [now - timedelta(hours=20)]
