"""A drawn target's check goes through the 行政检查 procedure; its result is published like
other acts (20 working days, 国办发〔2018〕118号) and shown on the draw's public page."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from sanxiang.cases.services import case_transition
from sanxiang.core.selectors import add_workdays
from sanxiang.disclosure.models import Publication
from sanxiang.evidence.services import Upload, evidence_register
from sanxiang.evidence.storage import digest_stream
from sanxiang.inspections.services import beacon_enter, task_draw, task_freeze
from tests.inspections.conftest import just_before, time_machine_later


def test_a_checked_target_without_findings_is_published_within_20_working_days(
    client, task, manager
):
    task_freeze(
        actor=manager, task_id=task.pk, beacon_sources=["福利彩票双色球第2026140期开奖号码"]
    )
    with time_machine_later():
        beacon_enter(
            actor=manager,
            task_id=task.pk,
            value="上证指数收盘 3321.45",
            slot=0,
            published_at=just_before(),
        )
        task_draw(actor=manager, task_id=task.pk)
    first = task.drawn.order_by("position").select_related("case").first()
    assert first is not None
    case = first.case
    handler = case.handlers.order_by("pk").first()
    note = "现场检查笔录：经营者在场，未发现违法行为。".encode()
    handle = io.BytesIO(note)
    evidence_register(
        actor=handler,
        upload=Upload(handle=handle, filename="现场检查笔录.txt", digests=digest_stream(handle)),
        metadata={
            "case_number": case.number,
            "kind": "text",
            "collected_at": datetime(2026, 6, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
            "location": first.target.address,
            "collector": handler,
            "proves": "现场检查情况",
            "device": "执法记录仪 DSJ-001",
        },
    )
    page = client.get(f"/gongshi/draws/{task.pk}/").content.decode()
    assert "待检查" in page
    case_transition(actor=handler, case_id=case.pk, action="check")
    case_transition(actor=handler, case_id=case.pk, action="find_nothing")
    publication = Publication.objects.get(case=case)
    assert publication.due_on == add_workdays(timezone.localdate(), 20)
    page = client.get(f"/gongshi/draws/{task.pk}/").content.decode()
    assert "未发现违法行为" in page


def test_the_annual_report_counts_the_years_draws_and_coverage_by_risk(task, manager, agency):
    from collections import Counter

    from sanxiang.disclosure.annual import annual_figures
    from sanxiang.inspections.models import InspectionTarget

    task_freeze(
        actor=manager, task_id=task.pk, beacon_sources=["福利彩票双色球第2026140期开奖号码"]
    )
    with time_machine_later():
        beacon_enter(
            actor=manager,
            task_id=task.pk,
            value="深证成指收盘 10234.56",
            slot=0,
            published_at=just_before(),
        )
        drawn = task_draw(actor=manager, task_id=task.pk)
    this_year = timezone.localdate().year
    figures = {f.key: f.value for f in annual_figures(agency=agency, year=this_year).figures}
    assert figures["random_tasks"] == 1 and figures["random_targets"] == 3
    assert figures["random_concluded"] == 0
    register = Counter(InspectionTarget.objects.values_list("risk_level", flat=True))
    picked = Counter(
        InspectionTarget.objects.filter(public_id__in=drawn.targets).values_list(
            "risk_level", flat=True
        )
    )
    assert figures["random_coverage_high"] == f"{picked['high'] / register['high']:.1%}"
    assert {f.key: f.value for f in annual_figures(agency=agency, year=this_year - 1).figures}[
        "random_tasks"
    ] == 0
