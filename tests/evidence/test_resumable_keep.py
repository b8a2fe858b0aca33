"""A complete upload waiting for its background registration is never lost: not expired, not
deleted by a worker that cannot see the scratch file, asked for again when its work is gone,
and it neither blocks the officer's new uploads nor is replaced by one when the form changed;
only a scratch file still missing after the expiry refuses it."""

from __future__ import annotations

import contextvars
import logging
import os
import threading
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from sanxiang.core import background
from sanxiang.core.work import TASKS
from sanxiang.evidence import resumable
from sanxiang.evidence.models import ResumableUpload
from sanxiang.evidence.resumable import (
    FIELDS_HASH,
    FINISH_WORK,
    LEASE,
    SCRATCH_LOST,
    UploadProblem,
    finish_lock,
    scratch_path,
    upload_finish_work,
    uploads_expire,
    uploads_finish_again,
)
from tests.evidence.test_resumable import TUS, create
from tests.evidence.test_views import zhangs_case  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

LENGTH = 3000


def waiting(officer, *, complete_for=timedelta(minutes=2), with_file=True, **changes):
    """A complete upload whose registration was left to background work ``complete_for`` ago."""
    now = timezone.now()
    values = {
        "id": uuid.uuid4(),
        "officer": officer,
        "case_number": "测城执罚〔2026〕1号",
        "form_data": {FIELDS_HASH: "a" * 64},
        "filename": "执法记录仪.mp4",
        "length": LENGTH,
        "offset": LENGTH,
        "sha256": "5" * 64,
        "sm3": "3" * 64,
        "complete_at": now - complete_for,
        "expires_at": now - complete_for + timedelta(hours=48),
    }
    upload = ResumableUpload.objects.create(**{**values, **changes})
    if with_file:
        scratch_path(upload).write_bytes(b"\x00" * LENGTH)
    return upload


@pytest.fixture
def asked(monkeypatch):
    """The background work asked for (name, queueing lock, delay, arguments), not run."""
    calls: list[tuple[str, str, float, dict[str, str]]] = []

    def enqueue(name, *, queueing_lock="", delay=0, **arguments):
        calls.append((name, queueing_lock, delay, arguments))

    monkeypatch.setenv("SANXIANG_BACKGROUND", "thread")
    monkeypatch.setenv("SANXIANG_QUEUE", "thread")
    monkeypatch.setattr(background, "enqueue", enqueue)
    return calls


def test_the_expiry_keeps_a_complete_upload_waiting_for_its_registration(people, as_zhang):
    kept = waiting(people.zhang)
    abandoned = waiting(people.zhang, offset=100, sha256="", sm3="")  # never finished
    later = timezone.now() + timedelta(days=3)
    assert uploads_expire(now=later) == 1
    assert list(ResumableUpload.objects.all()) == [kept]
    assert scratch_path(kept).stat().st_size == LENGTH
    assert not scratch_path(abandoned).exists()


def test_a_registering_upload_past_its_expiry_is_still_shown_to_its_page(people, as_zhang):
    upload = waiting(people.zhang, complete_for=timedelta(hours=50))
    head = as_zhang.head(reverse("evidence:resumable", args=[upload.pk]), **TUS)
    assert head.status_code == 200 and head["Sanxiang-Registering"] == "1"


def test_the_periodic_expiry_asks_again_for_uploads_nobody_works_on(people, asked, caplog):
    stuck = waiting(people.zhang, complete_for=timedelta(hours=2))
    fresh = waiting(people.zhang)
    lease_ran_out = waiting(
        people.zhang, lease="dead", lease_until=timezone.now() - timedelta(seconds=1)
    )
    waiting(people.zhang, lease="busy", lease_until=timezone.now() + LEASE)  # being copied
    with caplog.at_level(logging.INFO, logger="sanxiang.evidence.resumable"):
        call_command("evidence_uploads_expire")
    assert sorted(arguments["upload_id"] for _, _, _, arguments in asked) == sorted(
        str(upload.pk) for upload in (stuck, fresh, lease_ran_out)
    )
    assert all(name == FINISH_WORK for name, _, _, _ in asked)
    assert all(lock == finish_lock(arguments["upload_id"]) for _, lock, _, arguments in asked)
    errors = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert len(errors) == 1 and str(stuck.pk) in errors[0].getMessage()
    assert ResumableUpload.objects.count() == 4


def test_the_work_asks_for_itself_again_after_a_lease_held_by_another(people, asked):
    held_until = timezone.now() + timedelta(minutes=4)
    upload = waiting(people.zhang, lease="dead-worker", lease_until=held_until)
    upload_finish_work(str(upload.pk))  # no exception: the queue's quick retries would be wasted
    [(name, lock, delay, arguments)] = asked
    assert (name, lock, arguments) == (FINISH_WORK, finish_lock(str(upload.pk)), {
        "upload_id": str(upload.pk)
    })  # fmt: skip
    assert 4 * 60 < delay <= 4 * 60 + 10


def test_a_worker_that_cannot_see_the_scratch_file_keeps_the_upload(people, asked, caplog):
    upload = waiting(people.zhang, with_file=False)
    with pytest.raises(UploadProblem) as problem, caplog.at_level(logging.ERROR):
        upload_finish_work(str(upload.pk))
    assert problem.value.status == 503
    upload.refresh_from_db()
    assert resumable.registering(upload) and upload.lease == ""
    assert any("cannot find its scratch file" in r.getMessage() for r in caplog.records)


def test_a_scratch_file_still_missing_after_the_expiry_refuses_the_upload(
    people, asked, as_zhang, caplog
):
    upload = waiting(people.zhang, with_file=False)
    with pytest.raises(UploadProblem):  # before its expiry: kept, perhaps only this worker's
        upload_finish_work(str(upload.pk))
    later = upload.expires_at + timedelta(minutes=1)
    with time_machine.travel(later, tick=False), caplog.at_level(logging.ERROR):
        caplog.clear()
        upload_finish_work(str(upload.pk))  # no exception: nothing to try again
        upload_finish_work(str(upload.pk))  # a job asked before: nothing more
        upload.refresh_from_db()
        assert upload.refusal == SCRATCH_LOST and upload.lease == ""
        assert not resumable.registering(upload)
        errors = [r for r in caplog.records if r.levelno == logging.ERROR]
        assert len(errors) == 1 and "still missing after its expiry" in errors[0].getMessage()
        # No longer asked for again; its page is told, then the row expires like a refused one.
        asked.clear()
        assert uploads_finish_again() == 0 and asked == []
        as_zhang.force_login(people.zhang.user)  # two days later: the session ran out
        state = as_zhang.get(reverse("evidence:resumable", args=[upload.pk]), **TUS)
        assert state.status_code == 200 and "文件已丢失" in state.json()["error"]
        assert uploads_expire() == 0
    uploads_expire(now=later + timedelta(hours=49))
    assert not ResumableUpload.objects.filter(pk=upload.pk).exists()


def test_one_failed_lease_renewal_does_not_stop_the_next(people, monkeypatch, caplog):
    monkeypatch.setattr(resumable, "LEASE", timedelta(seconds=0.6))  # a tick every 0.2 s
    held_until = timezone.now() + timedelta(seconds=1)
    upload = waiting(people.zhang, lease="copying", lease_until=held_until)
    renewing = resumable._LeaseRenewal(upload, "copying")
    ticks: list[str] = []
    update = QuerySet.update

    def failing_once(self, **changes):
        if self.model is ResumableUpload:
            if not ticks:
                ticks.append("failed")
                raise OperationalError("server closed the connection unexpectedly")
            ticks.append("renewed")
            renewing._stopped.set()
        return update(self, **changes)

    monkeypatch.setattr(QuerySet, "update", failing_once)
    # Its loop runs here rather than in its thread, inside the test's transaction: its
    # connection is the test's, kept open.
    monkeypatch.setattr(connection, "close", lambda: None)
    safety = threading.Timer(10, renewing._stopped.set)
    safety.start()
    with caplog.at_level(logging.WARNING, logger="sanxiang.evidence.resumable"):
        renewing._run()
    safety.cancel()
    assert ticks == ["failed", "renewed"]
    upload.refresh_from_db()
    assert upload.lease == "copying" and upload.lease_until > held_until
    assert any("could not renew the lease" in r.getMessage() for r in caplog.records)


def test_uploads_being_registered_do_not_count_toward_the_open_limit(people, as_zhang, settings):
    settings.SANXIANG_RESUMABLE_MAX_OPEN = 1
    waiting(people.zhang)
    assert create(as_zhang, people).status_code == 201
    assert create(as_zhang, people).status_code == 429  # the new one, still open, counts


def test_a_changed_form_does_not_void_an_upload_being_registered(people, as_zhang):
    upload = waiting(people.zhang)
    changed = as_zhang.get(
        reverse("evidence:resumable", args=[upload.pk]), HTTP_SANXIANG_FORM_HASH="b" * 64, **TUS
    )
    assert changed.status_code == 200 and changed.json()["registering"]
    assert ResumableUpload.objects.filter(pk=upload.pk).exists()


def test_the_worker_thread_takes_the_same_waiting_work_once(
    monkeypatch, django_capture_on_commit_callbacks
):
    submitted = []

    class Pool:
        def submit(self, *args):
            submitted.append(args)

    monkeypatch.setenv("SANXIANG_BACKGROUND", "thread")
    monkeypatch.setenv("SANXIANG_QUEUE", "thread")
    monkeypatch.setattr(background, "_pool", Pool)
    monkeypatch.setattr(background, "_pending", set())
    key = str(uuid.uuid4())
    for _ in range(3):  # the page's nudges, one a minute
        with django_capture_on_commit_callbacks(execute=True):
            background.enqueue(FINISH_WORK, queueing_lock=finish_lock(key), upload_id=key)
    assert len(submitted) == 1
    # Once the work has begun, a later nudge is taken again.
    background._pending.discard(finish_lock(key))  # what _run_in_thread does first
    with django_capture_on_commit_callbacks(execute=True):
        background.enqueue(FINISH_WORK, queueing_lock=finish_lock(key), upload_id=key)
    assert len(submitted) == 2


def test_the_worker_thread_runs_delayed_work_once_its_timer_fires(monkeypatch):
    ran = threading.Event()
    monkeypatch.setitem(TASKS, "tests.delayed", lambda **arguments: ran.set())
    monkeypatch.setattr(background, "_pending", set())
    background._submit(contextvars.copy_context(), "tests.delayed", {}, "tests.delayed:1", 0.2)
    assert not ran.is_set() and background._pending == {"tests.delayed:1"}  # waits its delay
    # The same work asked again meanwhile is not taken a second time.
    background._submit(contextvars.copy_context(), "tests.delayed", {}, "tests.delayed:1", 0.2)
    assert ran.wait(10)
    assert background._pending == set()  # begun: a later ask is taken again


POSTGRES = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the job queue needs PostgreSQL (the PostgreSQL run: scripts/with-postgres.py)",
)


@POSTGRES
def test_the_queue_holds_one_waiting_registration_job_per_upload(monkeypatch, people):
    monkeypatch.setenv("SANXIANG_BACKGROUND", "thread")
    monkeypatch.setenv("SANXIANG_QUEUE", "procrastinate")
    from sanxiang.core.queue import schema_ensure

    schema_ensure()
    key = str(uuid.uuid4())
    with transaction.atomic():
        for _ in range(3):  # the page's nudges
            background.enqueue(FINISH_WORK, queueing_lock=finish_lock(key), upload_id=key)
        # The request's transaction goes on after a job that was already there.
        assert ResumableUpload.objects.count() == 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE queueing_lock = %s", [finish_lock(key)]
        )
        assert cursor.fetchone()[0] == 1
    # A retry scheduled after a lease: not due before then.
    other = str(uuid.uuid4())
    background.enqueue(FINISH_WORK, queueing_lock=finish_lock(other), delay=300, upload_id=other)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT scheduled_at > %s FROM procrastinate_jobs WHERE queueing_lock = %s",
            [timezone.now() + timedelta(minutes=4), finish_lock(other)],
        )
        assert cursor.fetchone()[0] is True
