"""Reads of the jobs: one job, for an officer of its agency who may have what it makes."""

from __future__ import annotations

from sanxiang.errors import DomainError
from sanxiang.jobs.kinds import KINDS
from sanxiang.jobs.models import Job
from sanxiang.org.models import Officer


class JobMissing(DomainError):
    pass


def job_get_for(officer: Officer, job_id: object) -> Job:
    """The job, if the officer asked for it or may have its kind in its agency; else missing
    (never saying that it exists)."""
    try:
        pk = int(str(job_id))
    except ValueError:
        raise JobMissing("未找到该任务。") from None
    job = Job.objects.filter(pk=pk).first()
    if job is None or job.agency_id != officer.unit.agency_id or not officer.is_active:
        raise JobMissing("未找到该任务。")
    kind = KINDS.get(job.kind)
    if kind is None or not (job.requested_by_id == officer.pk or kind.may_have(officer)):
        raise JobMissing("未找到该任务。")
    if kind.may_read is not None and not kind.may_read(officer, job):
        raise JobMissing("未找到该任务。")
    return job
