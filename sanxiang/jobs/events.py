"""The jobs app's ledger event (see ``sanxiang.ledger.events``): a job's file was downloaded."""

from __future__ import annotations

from sanxiang.jobs.models import Job
from sanxiang.ledger.events import Event, builds, content_digest
from sanxiang.ledger.models import LedgerEntry

JOB = "jobs.job"


class JobEvent(Event):
    DOWNLOADED = "jobs.job.downloaded", JOB


@builds(JobEvent.DOWNLOADED)
def job_downloaded(job: Job, actor: str, sha256: str) -> LedgerEntry:
    """An officer downloaded the file a job made."""
    return JobEvent.DOWNLOADED.append(
        job.pk,
        actor=actor,
        agency_id=job.agency_id,
        content_sha256=content_digest({"job": job.pk, "kind": job.kind, "sha256": sha256}),
    )
