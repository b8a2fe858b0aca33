"""Run by tests/jobs/test_queue_worker.py in the instance's environment (another process, as
a web request would be): ask for work through the real services, and report what the database
holds. Prints one JSON line.

    python -m tests.jobs.concurrent_queue document          # a new 现场检查笔录 (its PDF queued)
    python -m tests.jobs.concurrent_queue document-state ID
    python -m tests.jobs.concurrent_queue report-pdf YEAR   # the 统计年报 PDF as a 后台任务
    python -m tests.jobs.concurrent_queue job-state ID
"""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")


def _document() -> dict[str, object]:
    from django.utils import timezone

    from sanxiang.cases.models import Procedure
    from sanxiang.cases.services import (
        NewCase,
        case_open,
        case_transition,
        document_generate,
        party_add,
    )
    from sanxiang.org.models import EnforcementCategory, Officer

    zhang = Officer.objects.get(user__username="zhangwei")
    head = Officer.objects.get(user__username="liuzhiqiang")
    today = timezone.localdate()
    case = case_open(
        actor=zhang,
        new=NewCase(
            procedure=Procedure.PENALTY_GENERAL, title="擅自占用城市道路经营（队列测试）",
            source="巡查发现", category=EnforcementCategory.objects.get(name="城市管理"),
            violation_on=today - timedelta(days=3), clue_received_on=today - timedelta(days=2),
            facts="当事人在人民路 100 号门前占道摆摊经营",
        ),
    )  # fmt: skip
    party_add(actor=zhang, case_id=case.pk, kind="person", name="王某某",
              identifier="11010519491231002X", address="示范市人民路 1 号")  # fmt: skip
    case.handlers.add(Officer.objects.get(user__username="lina"))
    case_transition(actor=head, case_id=case.pk, action="register")
    inputs = {"started_at": f"{today}T09:00", "ended_at": f"{today}T10:00",
              "place": "人民路 100 号", "present": "王某某（当事人）",
              "findings": "占道摆摊约 3 平方米。"}  # fmt: skip
    document = document_generate(
        actor=zhang, case_id=case.pk, kind="inspection_record", inputs=inputs
    )
    return {"document": document.pk, "case": case.pk}


def _queue_jobs(name: str, key: str, value: int) -> list[list[object]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status, attempts FROM procrastinate_jobs "
            "WHERE args->>'name' = %s AND (args->'arguments'->>%s)::int = %s ORDER BY id",
            [name, key, value],
        )
        return [list(row) for row in cursor.fetchall()]


def _document_state(document_id: int) -> dict[str, object]:
    from sanxiang.cases.models import CaseDocument
    from sanxiang.ledger.models import LedgerEntry

    document = CaseDocument.objects.get(pk=document_id)
    return {
        "pdf": bool(document.pdf_sha256),
        "versions": CaseDocument.objects.filter(case=document.case, kind=document.kind).count(),
        "pdf_events": LedgerEntry.objects.filter(
            action="cases.document.pdf_made", object_id=str(document_id)
        ).count(),
        "queue": _queue_jobs("cases.document_pdf", "document_id", document_id),
    }


def _report_pdf(year: int) -> dict[str, object]:
    from sanxiang.jobs.services import job_request
    from sanxiang.org.models import Officer

    head = Officer.objects.get(user__username="liuzhiqiang")
    job = job_request(actor=head, kind="annual_report_pdf", params={"year": year})
    return {"job": job.pk}


def _job_state(job_id: int) -> dict[str, object]:
    from sanxiang.jobs.models import Job
    from sanxiang.jobs.views import status_of

    job = Job.objects.get(pk=job_id)
    return {
        "status": status_of(job),
        "error": job.error,
        "queue": _queue_jobs("jobs.run", "job_id", job_id),
    }


def main(argv: list[str]) -> None:
    import django

    django.setup()
    command = argv[0]
    if command == "document":
        result = _document()
    elif command == "document-state":
        result = _document_state(int(argv[1]))
    elif command == "report-pdf":
        result = _report_pdf(int(argv[1]))
    elif command == "job-state":
        result = _job_state(int(argv[1]))
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
