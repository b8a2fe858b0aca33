"""后台任务: the annual report's files are made as jobs the page polls; the same job while one
for the same input is open; a failure says so in Chinese; only the agency's officers who may
have the file get it, and each download is in the ledger; `sanxiang jobs` fails what a dead
process left running."""

from __future__ import annotations

import io
import logging
import os
import socket
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from sanxiang.jobs.kinds import KINDS, Kind
from sanxiang.jobs.models import Job, JobState
from sanxiang.jobs.services import FAILED_MESSAGE, LOST_MESSAGE, job_request
from sanxiang.ledger.models import LedgerEntry


@pytest.fixture
def synchronous(monkeypatch):
    monkeypatch.setenv("SANXIANG_BACKGROUND", "off")


def ask(client, officer, fmt="xlsx", year=2025):
    client.force_login(officer.user)
    return client.post(reverse("report:annual-file", args=[year]), {"format": fmt})


def test_the_excel_is_made_as_a_job_whose_page_polls_and_then_offers_the_file(
    client, staff, synchronous
):
    response = ask(client, staff.head)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "jobs:detail", args=[job.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert "统计年报 Excel 生成" in page and 'id="job-progress"' in page and "jobs/poll.js" in page
    status = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert status["state"] == "done" and status["progress"] == 100 and status["finished"]
    assert status["download"] == reverse("jobs:download", args=[job.pk])
    assert status["message"] == "已完成，可以下载。"
    download = client.get(status["download"])
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(download.content))
    assert "统计年报2025" in sheet.sheetnames
    job.refresh_from_db()
    assert job.downloads == 1
    assert LedgerEntry.objects.filter(action="jobs.job.downloaded", object_id=str(job.pk)).exists()


def test_asking_again_while_the_job_is_open_returns_the_same_job(
    client, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = ask(client, staff.head)
        second = ask(client, staff.head)
    assert first["Location"] == second["Location"]
    assert Job.objects.count() == 1 and len(callbacks) == 1
    job = Job.objects.get()
    assert job.state == JobState.QUEUED
    page = client.get(first["Location"]).content.decode()
    assert "排队中" in page and 'data-finished="0"' in page
    assert client.get(reverse("jobs:status", args=[job.pk])).json()["download"] == ""
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    # Another year, or the PDF, is another input: another job.
    with django_capture_on_commit_callbacks(execute=False):
        ask(client, staff.head, year=2024)
    assert Job.objects.count() == 2


def test_a_request_for_a_file_is_a_post_and_names_a_format(client, staff):
    client.force_login(staff.head.user)
    url = reverse("report:annual-file", args=[2025])
    assert client.get(url).status_code == 405
    assert client.post(url, {"format": "exe"}).status_code == 400
    assert not Job.objects.exists()


def test_a_failed_job_says_so_in_chinese_and_logs_the_error_in_english(
    client, staff, synchronous, caplog
):
    def broken(job, progress):
        progress(30, "正在汇总……")
        raise RuntimeError("converter exploded")

    KINDS["test_broken"] = Kind("test_broken", "测试任务", lambda o: True, broken, lambda j: "/")
    try:
        with caplog.at_level(logging.ERROR, logger="sanxiang.jobs.services"):
            job = job_request(actor=staff.head, kind="test_broken", params={})
    finally:
        del KINDS["test_broken"]
    assert job.state == JobState.FAILED and job.message == FAILED_MESSAGE
    assert "RuntimeError: converter exploded" in job.error
    assert f"job {job.pk} (test_broken) failed" in caplog.text


def test_only_officers_of_the_agency_who_may_have_the_report_see_the_job(
    client, staff, synchronous
):
    ask(client, staff.head)
    job = Job.objects.get()
    client.force_login(staff.zhang.user)  # a plain 执法人员 of the same agency
    for name in ("jobs:detail", "jobs:status", "jobs:download"):
        response = client.get(reverse(name, args=[job.pk]))
        assert response.status_code == 404 and "未找到该任务" in response.content.decode()
    assert ask(client, staff.zhang).status_code == 403
    client.force_login(staff.zhou.user)  # 法制审核人员 may have the report
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 200


def test_sanxiang_jobs_fails_the_jobs_a_dead_process_left_running(staff):
    host = socket.gethostname()
    agency = staff.head.unit.agency
    dead = Job.objects.create(
        kind="annual_report_pdf", params={"year": 2025}, input_key="a", agency=agency,
        requested_by=staff.head, state=JobState.RUNNING, worker=f"{host}:999999999",
    )  # fmt: skip
    alive = Job.objects.create(
        kind="annual_report_pdf", params={"year": 2024}, input_key="b", agency=agency,
        requested_by=staff.head, state=JobState.RUNNING, worker=f"{host}:{os.getpid()}",
    )  # fmt: skip
    forgotten = Job.objects.create(
        kind="annual_report_xlsx", params={"year": 2023}, input_key="c", agency=agency,
        requested_by=staff.head,
    )  # fmt: skip
    Job.objects.filter(pk=forgotten.pk).update(created_at=timezone.now() - timedelta(hours=1))
    out = io.StringIO()
    call_command("jobs", stdout=out)
    assert "已将 2 个中断的任务标为失败" in out.getvalue()
    states = {j.pk: (j.state, j.message) for j in Job.objects.all()}
    assert states[dead.pk] == (JobState.FAILED, LOST_MESSAGE)
    assert states[forgotten.pk] == (JobState.FAILED, LOST_MESSAGE)
    assert states[alive.pk][0] == JobState.RUNNING


def test_a_job_is_run_once_even_if_asked_to_run_twice(staff, synchronous):
    from sanxiang.jobs.services import job_run

    job = job_request(actor=staff.head, kind="annual_report_xlsx", params={"year": 2025})
    finished = job.finished_at
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.finished_at == finished


def test_a_retry_takes_over_a_job_whose_worker_went_silent_and_only_the_retry_finishes_it(
    staff, synchronous
):
    from sanxiang.core.work import attempt, run
    from sanxiang.jobs.kinds import Made
    from sanxiang.jobs.services import jobs_dir

    attempts = []

    def make(job, progress):
        attempts.append(attempt())
        if len(attempts) == 1:
            # While this first attempt converts, the queue hands the job to a second one (its
            # worker's heartbeat stopped); the first one then wakes up and finishes too late.
            run("jobs.run", {"job_id": job.pk}, attempt_number=1)
            return Made(b"late", "a.txt", "text/plain")
        return Made(b"retry", "a.txt", "text/plain")

    KINDS["test_slow"] = Kind("test_slow", "测试任务", lambda o: True, make, lambda j: "/")
    try:
        job = job_request(actor=staff.head, kind="test_slow", params={})
        run("jobs.run", {"job_id": job.pk}, attempt_number=1)  # the same attempt again: nothing
    finally:
        del KINDS["test_slow"]
    job.refresh_from_db()
    assert attempts == [0, 1]
    assert job.state == JobState.DONE and job.attempt == 1
    assert (jobs_dir() / job.result_path).read_bytes() == b"retry"


def test_a_job_the_queue_gives_up_after_its_workers_died_ends_failed_on_its_page(staff):
    from sanxiang.core.work import abandoned

    job = Job.objects.create(
        kind="annual_report_pdf", params={"year": 2025}, input_key="a",
        agency=staff.head.unit.agency, requested_by=staff.head, state=JobState.RUNNING,
        attempt=3, worker="elsewhere:1",
    )  # fmt: skip
    abandoned("jobs.run", {"job_id": job.pk})
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.message == FAILED_MESSAGE
    assert "worker died" in job.error and job.finished_at is not None
