"""法制审核 figures an oversight body asks for (陕西省指标体系; 厦城执法〔2019〕5号), computed from
the records — never typed in."""

from __future__ import annotations

import io
import statistics
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from sanxiang.core.selectors import get_calendar
from sanxiang.org.models import Officer, Role, RoleAssignment
from sanxiang.review.facts import DECISION_ACTIONS
from sanxiang.review.models import (
    OPINION_POINTS,
    Capacity,
    CommitteeMeeting,
    Conclusion,
    Determination,
    MeetingConclusion,
    Opinion,
    OpinionPoint,
    PointConclusion,
    Review,
)


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    target: str = ""
    met: bool | None = None


@dataclass
class Figures:
    agency_id: int
    year: int
    figures: list[Figure] = field(default_factory=list)
    problems: list[tuple[str, int]] = field(default_factory=list)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _pct(value: float | None) -> str:
    return "—（无数据）" if value is None else f"{value:.1%}"


def figures_for(*, agency_id: int, year: int) -> Figures:
    """The agency's figures for ``year``: staffing today, and the year's opinions and reviews."""
    opinions = Opinion.objects.filter(
        round__review__agency_id=agency_id, created_at__year=year
    ).select_related("reviewer__unit")
    reviews = Review.objects.filter(agency_id=agency_id, submitted_at__year=year)
    return Figures(
        agency_id=agency_id,
        year=year,
        figures=[
            *_staffing(agency_id),
            _full_time_opinions(opinions),
            _assisted_reviews(reviews),
            _decisions_covered(agency_id, year),
            _emergencies_covered(agency_id, year),
            _turnaround(opinions),
            _rounds(reviews),
        ],
        problems=_problems(opinions),
    )


def _ratio(label: str, part: int, whole: int, target: str, minimum: float) -> Figure:
    """``part / whole`` as a share, met when it reaches ``minimum`` (no data: neither)."""
    share = _share(part, whole)
    return Figure(
        label,
        f"{part} / {whole} = {_pct(share)}",
        target,
        None if share is None else share >= minimum,
    )


def _staffing(agency_id: int) -> list[Figure]:
    """法制审核人员 among the officers in post, and those of them with 法律职业资格."""
    active = Officer.objects.filter(unit__agency_id=agency_id, is_active=True)
    officers = active.filter(roles__role=Role.OFFICER).distinct().count()
    reviewers = active.filter(roles__role=Role.REVIEWER).distinct()
    reviewer_count = reviewers.count()
    qualified = reviewers.filter(has_legal_qualification=True).count()
    return [
        _ratio("法制审核人员占执法人员比例", reviewer_count, officers, "≥ 5%", 0.05),
        _ratio("法制审核人员中具有法律职业资格的比例", qualified, reviewer_count, "≥ 50%", 0.5),
    ]


def _full_time_opinions(opinions: QuerySet[Opinion]) -> Figure:
    """Opinions given by 专职 reviewers: a reviewer who holds no other role (兼职 reviewers
    also handle or lead)."""
    part_time = RoleAssignment.objects.filter(
        officer_id=OuterRef("reviewer_id"), role__in=[Role.OFFICER, Role.HEAD]
    )
    return _ratio(
        "由专职法制审核人员（不兼任执法、负责人职务）出具的审核意见比例",
        opinions.filter(~Exists(part_time)).count(),
        opinions.count(),
        "≥ 50%",
        0.5,
    )


def _assisted_reviews(reviews: QuerySet[Review]) -> Figure:
    """Reviews a 法律顾问 or 公职律师 took part in (on the opinion or at the committee)."""
    assisted = (
        reviews.filter(
            Q(rounds__opinion__assisted_by__gt="")
            | Q(meetings__participants__capacity__in=[Capacity.ADVISER, Capacity.LAWYER])
        )
        .distinct()
        .count()
    )
    return _ratio("法律顾问、公职律师参与的审核比例", assisted, reviews.count(), "≥ 20%", 0.2)


def _covered(agency_id: int, year: int, actions: list[str]) -> tuple[int, int]:
    """Of this year's findings "须经法制审核" at ``actions``, how many were covered: the case's
    review had passed by then — by a recorded 同意 opinion or a committee's 同意作出决定
    (append-only rows), never by the mutable ``Review.passed_at``."""
    required = Determination.objects.filter(
        case__agency_id=agency_id, created_at__year=year, action__in=actions, required=True
    )
    passed_at = _passed_on_record(required.values("case_id"))
    covered = sum(
        1
        for case_id, made_at in required.values_list("case_id", "created_at")
        if (passed := passed_at.get(case_id)) is not None and passed <= made_at
    )
    return covered, required.count()


def _decisions_covered(agency_id: int, year: int) -> Figure:
    """Every decision this year whose finding was "须经法制审核" — 处罚, 不予处罚, the approval of a
    查封、扣押 and its approval after an emergency (行政强制法第十九条)."""
    covered, required = _covered(agency_id, year, sorted(DECISION_ACTIONS))
    return _ratio(
        "目录清单内决定（含不予处罚、批准查封扣押）经法制审核通过的比例",
        covered,
        required,
        "100%",
        1.0,
    )


def _emergencies_covered(agency_id: int, year: int) -> Figure:
    """Measures taken in an emergency and approved afterwards (行政强制法第十九条, 24 hours):
    those reviewed before the approval, and those approved without it — counted in the coverage
    figure above too, named here so that nobody reads them as covered."""
    covered, required = _covered(agency_id, year, ["approve_afterwards"])
    return Figure(
        "情况紧急当场实施的查封、扣押（须审核的）：补办批准前经法制审核的 / 未经审核即补办批准的",
        f"{covered} / {required - covered}",
        "未经审核 0",
        None if not required else covered == required,
    )


def _turnaround(opinions: QuerySet[Opinion]) -> Figure:
    """The reviewer's time: each round from submission to the opinion (not the handlers'
    answers), in working days."""
    calendar = get_calendar()
    # Provisional: a figure, not a limit; from 1 January until that year's schedule is entered
    # the strict count would refuse the whole page for this year's rounds.
    days = [
        calendar.workdays_between_provisional(
            timezone.localtime(o.round.submitted_at).date(), timezone.localtime(o.created_at).date()
        )
        for o in opinions.select_related("round")
    ]
    return Figure(
        "审核人员用时（每轮送审至出具审核意见，工作日）",
        f"中位数 {statistics.median(days):g}，最长 {max(days)}" if days else "—（无数据）",
    )


def _rounds(reviews: QuerySet[Review]) -> Figure:
    rounds = [r["n"] for r in reviews.annotate(n=Count("rounds")).values("n")]
    return Figure(
        "每案审核轮次",
        f"平均 {statistics.mean(rounds):.2f}，最多 {max(rounds)}" if rounds else "—（无数据）",
    )


def _problems(opinions: QuerySet[Opinion]) -> list[tuple[str, int]]:
    """How often each 审核事项 was found to have a problem."""
    counts = dict(
        OpinionPoint.objects.filter(opinion__in=opinions, conclusion=PointConclusion.PROBLEM)
        .values_list("point")
        .annotate(n=Count("pk"))
        .values_list("point", "n")
    )
    return [(label, counts.get(code, 0)) for code, label in OPINION_POINTS]


def _passed_on_record(case_ids: QuerySet[Any, Any]) -> dict[int, datetime]:
    """When each case's review first passed, as the opinions and minutes record it."""
    agreed = (
        Opinion.objects.filter(round__review__case_id__in=case_ids, conclusion=Conclusion.AGREE)
        .values("round__review__case_id")
        .annotate(at=Min("created_at"))
        .values_list("round__review__case_id", "at")
    )
    proceeded = (
        CommitteeMeeting.objects.filter(
            review__case_id__in=case_ids, conclusion=MeetingConclusion.PROCEED
        )
        .values("review__case_id")
        .annotate(at=Min("created_at"))
        .values_list("review__case_id", "at")
    )
    passed: dict[int, datetime] = {}
    for case_id, at in [*agreed, *proceeded]:
        passed[case_id] = min(at, passed.get(case_id, at))
    return passed


def figures_xlsx(figures: Figures) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = f"法制审核{figures.year}"
    figures_write(sheet, figures)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def figures_write(sheet: Worksheet, figures: Figures) -> None:
    """The figures as rows of ``sheet`` (also a sheet of the annual report's workbook)."""
    sheet.append(["指标", "数值", "要求", "是否达到"])
    for figure in figures.figures:
        met = "" if figure.met is None else ("是" if figure.met else "否")
        sheet.append([figure.label, figure.value, figure.target, met])
    sheet.append([])
    sheet.append(["存在问题的审核事项", "次数"])
    for label, count in figures.problems:
        sheet.append([label, count])
