"""The page of a job (a progress bar the page's script keeps current, then the download), its
status as JSON for that script, and the download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from sanxiang.core.downloads import attachment
from sanxiang.jobs.kinds import KINDS
from sanxiang.jobs.models import Job, JobState
from sanxiang.jobs.selectors import JobMissing, job_get_for
from sanxiang.jobs.services import JobNotFound, JobNotReady, job_download
from sanxiang.org.selectors import officer_for_request


def _job(request: HttpRequest, pk: int) -> Job:
    try:
        return job_get_for(officer_for_request(request), pk)
    except JobMissing as exc:
        raise Http404(exc.message) from exc


def status_of(job: Job) -> dict[str, object]:
    done = job.state == JobState.DONE
    available = done and bool(job.result_path)  # no file once ``sanxiang prune`` removed it
    return {
        "state": job.state,
        "state_label": job.get_state_display(),
        "progress": 100 if done else job.progress,
        "message": job.message,
        "download": reverse("jobs:download", args=[job.pk]) if available else "",
        "finished": job.state in (JobState.DONE, JobState.FAILED),
    }


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    kind = KINDS[job.kind]
    return render(
        request,
        "jobs/detail.html",
        {"job": job, "label": kind.label, "back": kind.back_url(job), "status": status_of(job)},
    )


@login_required
@require_GET
def status(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(status_of(_job(request, pk)))


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    try:
        data, job = job_download(actor=officer_for_request(request), job=job)
    except (JobNotReady, JobNotFound) as exc:
        raise Http404(exc.message) from exc
    return attachment(data, filename=job.result_name, content_type=job.content_type)
