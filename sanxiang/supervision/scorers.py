"""The computed items of the 三项制度工作指标体系: one small function per ``auto:<key>`` of
data/supervision/indicators.csv, each with its rule in its docstring.

A scorer reads one agency's records of one year and returns the share of the item's points it
earns (``fraction``), the figures behind it in words, and — on the item's own page — the
records it counted (``detail``), from the same filter, so that a figure and its list agree.
``fraction`` is None when there is nothing to count: the item is then 待评 like a manual one
and the 监督人员 may score it with a note.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.urls import reverse

from sanxiang.cases.models import Case, Procedure, evidence_reference
from sanxiang.cases.workflow.states import GeneralState, MeasureState
from sanxiang.complaints.models import Complaint
from sanxiang.disclosure.models import ActKind, Publication, PublicationStatus
from sanxiang.discretion.selectors import benchmark_in_force
from sanxiang.evidence.models import EvidenceItem, EvidenceKind
from sanxiang.org.models import Certificate, Officer, Role, TrainingKind
from sanxiang.org.training import training_year
from sanxiang.review.models import Determination, Review


@dataclass(frozen=True)
class DetailRow:
    label: str
    value: str
    ok: bool
    url: str = ""


@dataclass(frozen=True)
class Computed:
    fraction: Decimal | None
    figures: str
    detail: Callable[[], list[DetailRow]] = field(default=lambda: [])

    def score(self, points: Decimal) -> Decimal | None:
        if self.fraction is None:
            return None
        return (points * self.fraction).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


Scorer = Callable[[int, int, date], Computed]
SCORERS: dict[str, Scorer] = {}


def scorer(key: str) -> Callable[[Scorer], Scorer]:
    def register(function: Scorer) -> Scorer:
        SCORERS[key] = function
        return function

    return register


def _share(good: int, total: int) -> Decimal | None:
    return None if total == 0 else Decimal(good) / Decimal(total)


def _all_or_nothing(good: int, total: int) -> Decimal | None:
    return None if total == 0 else Decimal(int(good == total))


def _year_end(year: int, today: date) -> date:
    return min(date(year, 12, 31), today)


def _case_url(case_id: int) -> str:
    return reverse("cases:detail", args=[case_id])


def _case_rows(cases: QuerySet[Case], good: set[int]) -> list[DetailRow]:
    return [
        DetailRow(f"{c.number or '（未编号）'} {c.title}", "符合" if c.pk in good else "不符合",
                  c.pk in good, _case_url(c.pk))
        for c in cases.only("pk", "number", "title").order_by("pk")[:500]
    ]  # fmt: skip


# --- 执法公示 ----------------------------------------------------------------------------------


def _publications(agency_id: int, year: int, today: date, kinds: Sequence[str]) -> Computed:
    due = Publication.objects.filter(
        agency_id=agency_id, kind__in=kinds, decided_on__year=year
    ).filter(
        ~Q(status=PublicationStatus.EXEMPT) & (Q(due_on__lt=today) | Q(published_at__isnull=False))
    )
    on_time = due.annotate(on=TruncDate("published_at")).filter(on__lte=F("due_on"))
    good, total = on_time.count(), due.count()

    def detail() -> list[DetailRow]:
        ok = set(on_time.values_list("pk", flat=True))
        return [
            DetailRow(p.title, f"应于 {p.due_on:%Y-%m-%d} 前公示", p.pk in ok,
                      _case_url(p.case_id) if p.case_id else "")
            for p in due.order_by("decided_on", "pk")[:500]
        ]  # fmt: skip

    return Computed(_share(good, total), f"按期公示 {good} 件 / 应公示 {total} 件", detail)


@scorer("publication_penalty_permit")
def publication_penalty_permit(agency_id: int, year: int, today: date) -> Computed:
    """(36) 行政处罚、行政许可决定 made in the year whose publication period has run (or that are
    published): points × the share published on or before their due date (7 个工作日 or the
    period the law sets, as ``Publication.due_on`` records it). Exempt ones are not counted."""
    return _publications(agency_id, year, today, [ActKind.PENALTY, ActKind.PERMIT])


@scorer("publication_other")
def publication_other(agency_id: int, year: int, today: date) -> Computed:
    """(37) Every other 执法决定 (强制、检查、其他) made in the year: points × the share published
    within its period (20 个工作日), counted as for (36)."""
    kinds = [ActKind.COERCIVE, ActKind.INSPECTION, ActKind.OTHER]
    return _publications(agency_id, year, today, kinds)


@scorer("withdrawal_timely")
def withdrawal_timely(agency_id: int, year: int, today: date) -> Computed:
    """(41) Published decisions that had to be taken down (撤销、确认违法、重作) with a due date
    in the year that has come: points × the share withdrawn by that date (3 个工作日)."""
    due = Publication.objects.filter(agency_id=agency_id, withdrawal_due_on__year=year).filter(
        Q(withdrawal_due_on__lt=today) | Q(withdrawn_at__isnull=False)
    )
    on_time = due.annotate(on=TruncDate("withdrawn_at")).filter(on__lte=F("withdrawal_due_on"))
    good, total = on_time.count(), due.count()

    def detail() -> list[DetailRow]:
        ok = set(on_time.values_list("pk", flat=True))
        return [
            DetailRow(p.title, f"应于 {p.withdrawal_due_on:%Y-%m-%d} 前撤下", p.pk in ok)
            for p in due.order_by("withdrawal_due_on", "pk")[:500]
        ]

    return Computed(_share(good, total), f"按期撤下 {good} 件 / 应撤下 {total} 件", detail)


# --- 全过程记录 --------------------------------------------------------------------------------

_MEASURE_TAKEN = [
    MeasureState.IN_FORCE, MeasureState.EXTENDED, MeasureState.RELEASED,
    MeasureState.CONFISCATED, MeasureState.DESTROYED, MeasureState.CLOSED,
]  # fmt: skip


@scorer("seizure_full_video")
def seizure_full_video(agency_id: int, year: int, today: date) -> Computed:
    """(57) 查封、扣押 carried out in the year: points × the share with a 全程录像 filed under
    the case in the evidence store."""
    cases = Case.objects.filter(
        agency_id=agency_id,
        procedure=Procedure.COERCIVE_MEASURE,
        measure_taken_at__year=year,
        state__in=_MEASURE_TAKEN,
    )
    rows = list(cases.only("pk", "number", "title"))
    filed = set(
        EvidenceItem.objects.filter(
            kind=EvidenceKind.FULL_VIDEO,
            case_number__in=[evidence_reference(row) for row in rows],
        ).values_list("case_number", flat=True)
    )
    good = {row.pk for row in rows if evidence_reference(row) in filed}
    return Computed(
        _share(len(good), len(rows)),
        f"有全程录像 {len(good)} 件 / 实施查封、扣押 {len(rows)} 件",
        lambda: _case_rows(cases, good),
    )


@scorer("case_files_archived")
def case_files_archived(agency_id: int, year: int, today: date) -> Computed:
    """(68) 有案必有卷: 一般程序 cases decided in the year and ended (结案 or 归档): points × the
    share archived."""
    cases = Case.objects.filter(
        agency_id=agency_id,
        procedure=Procedure.PENALTY_GENERAL,
        decided_on__year=year,
        state__in=[GeneralState.CLOSED, GeneralState.ARCHIVED],
    )
    good = set(cases.filter(state=GeneralState.ARCHIVED).values_list("pk", flat=True))
    total = cases.count()
    return Computed(
        _share(len(good), total),
        f"已归档 {len(good)} 件 / 已结案 {total} 件",
        lambda: _case_rows(cases, good),
    )


# --- 法制审核 ----------------------------------------------------------------------------------


def _staff(agency_id: int, role: str) -> QuerySet[Officer]:
    return Officer.objects.filter(unit__agency_id=agency_id, is_active=True, roles__role=role)


def _officer_rows(
    officers: QuerySet[Officer], good: set[int], yes: str, no: str
) -> list[DetailRow]:
    return [
        DetailRow(f"{o.name}（{o.unit.name}）", yes if o.pk in good else no, o.pk in good)
        for o in officers.select_related("unit").order_by("unit__name", "name")[:500]
    ]


@scorer("reviewer_ratio")
def reviewer_ratio(agency_id: int, year: int, today: date) -> Computed:
    """(86) Full points when the agency's active 法制审核人员 are at least 5% of its active
    执法人员 (rounded up: one reviewer for every twenty officers); none otherwise."""
    reviewers = _staff(agency_id, Role.REVIEWER).distinct().count()
    officers = _staff(agency_id, Role.OFFICER).distinct().count()
    met = officers > 0 and reviewers * 20 >= officers
    return Computed(
        None if officers == 0 else Decimal(int(met)),
        f"法制审核人员 {reviewers} 人 / 执法人员 {officers} 人（应不少于 5%）",
    )


@scorer("reviewer_qualification")
def reviewer_qualification(agency_id: int, year: int, today: date) -> Computed:
    """(87) Full points when at least half of the active 法制审核人员 hold a 法律职业资格 (or a
    law degree, as recorded on the officer): “50%以上” includes 50% (民法典第一千二百五十九条);
    none otherwise."""
    reviewers = _staff(agency_id, Role.REVIEWER).distinct()
    good = set(reviewers.filter(has_legal_qualification=True).values_list("pk", flat=True))
    total = reviewers.count()
    return Computed(
        None if total == 0 else Decimal(int(len(good) * 2 >= total)),
        f"具有法律职业资格或法学学历 {len(good)} 人 / 法制审核人员 {total} 人（应不少于 50%）",
        lambda: _officer_rows(reviewers, good, "具备", "不具备"),
    )


@scorer("review_coverage")
def review_coverage(agency_id: int, year: int, today: date) -> Computed:
    """(108) Cases decided in the year whose decision the 目录清单 required to be reviewed: full
    points only when every one was submitted to 法制审核 (所有重大执法决定都有法制审核意见); none
    otherwise."""
    cases = Case.objects.filter(agency_id=agency_id, decided_on__year=year).filter(
        Exists(Determination.objects.filter(case_id=OuterRef("pk"), required=True))
    )
    good = set(
        cases.filter(Exists(Review.objects.filter(case_id=OuterRef("pk")))).values_list(
            "pk", flat=True
        )
    )
    total = cases.count()
    return Computed(
        _all_or_nothing(len(good), total),
        f"经法制审核 {len(good)} 件 / 须审核的决定 {total} 件",
        lambda: _case_rows(cases, good),
    )


# --- 信息化 ------------------------------------------------------------------------------------


@scorer("cases_online")
def cases_online(agency_id: int, year: int, today: date) -> Computed:
    """(114) 执法信息网上录入: full points when the agency registered at least one case of the
    year on the platform; none otherwise (a year with no case recorded here is not online)."""
    total = Case.objects.filter(agency_id=agency_id, clue_received_on__year=year).count()
    return Computed(Decimal(int(total > 0)), f"本年度在平台登记案件 {total} 件")


# --- 制度 --------------------------------------------------------------------------------------


@scorer("discretion_published")
def discretion_published(agency_id: int, year: int, today: date) -> Computed:
    """(145) 裁量基准制度并落实: full points when a published version of the agency's 裁量基准 is
    in force at the end of the year (today, for the current year); none otherwise."""
    on = _year_end(year, today)
    benchmark = benchmark_in_force(agency_id, on=on)
    if benchmark is None:
        return Computed(Decimal(0), f"{on:%Y年%m月%d日}无已公布施行的裁量基准")
    return Computed(Decimal(1), f"{on:%Y年%m月%d日}施行：{benchmark}")


@scorer("complaints_answered")
def complaints_answered(agency_id: int, year: int, today: date) -> Computed:
    """(147) 投诉举报制度并落实: complaints registered in the year whose reply date has come or
    that were answered: points × the share answered by the reply date; complaints not
    accepted count by their acceptance decision's date instead."""
    registered = Complaint.objects.filter(agency_id=agency_id, registered_at__year=year)
    replies = registered.filter(reply_due__isnull=False).filter(
        Q(reply_due__lt=today) | Q(replied_on__isnull=False)
    )
    decisions = registered.filter(reply_due__isnull=True).filter(
        Q(accept_due__lt=today) | Q(decided_on__isnull=False)
    )
    good = set(replies.filter(replied_on__lte=F("reply_due")).values_list("pk", flat=True)) | set(
        decisions.filter(decided_on__lte=F("accept_due")).values_list("pk", flat=True)
    )
    total = replies.count() + decisions.count()

    def detail() -> list[DetailRow]:
        rows = (replies | decisions).order_by("registered_at", "pk")[:500]
        return [
            DetailRow(f"{c.get_kind_display()} {c.received_on:%Y-%m-%d} 收到",
                      "按期答复" if c.pk in good else "逾期或未答复", c.pk in good)
            for c in rows
        ]  # fmt: skip

    return Computed(
        _share(len(good), total), f"按期办结 {len(good)} 件 / 应办结 {total} 件", detail
    )


# --- 队伍 --------------------------------------------------------------------------------------


@scorer("training_hours")
def training_hours(agency_id: int, year: int, today: date) -> Computed:
    """(150) 三项制度全员培训: points × the share of the agency's active staff with at least one
    “三项制度”专题培训 begun in the year (org/training.py); the figures give the hours per head."""
    rows = training_year(agency_id=agency_id, year=year)
    trained = {r.officer.pk for r in rows if r.by_kind.get(TrainingKind.SANXIANG, 0) > 0}
    hours = sum((r.hours for r in rows), Decimal(0))
    per_head = (hours / len(rows)).quantize(Decimal("0.1")) if rows else Decimal(0)

    def detail() -> list[DetailRow]:
        return [
            DetailRow(
                f"{r.officer.name}（{r.officer.unit.name}）",
                f"{r.courses} 门，{r.hours} 学时",
                r.officer.pk in trained,
            )
            for r in rows
        ]

    return Computed(
        _share(len(trained), len(rows)),
        f"参加三项制度培训 {len(trained)} 人 / 在岗 {len(rows)} 人，人均 {per_head} 学时",
        detail,
    )


@scorer("officers_certified")
def officers_certified(agency_id: int, year: int, today: date) -> Computed:
    """(164) 所有从事行政执法的人员都具有执法资格: full points when every active 执法人员 holds
    an unrevoked 执法证 valid at the end of the year (today, for the current year); none
    otherwise."""
    on = _year_end(year, today)
    officers = _staff(agency_id, Role.OFFICER).distinct()
    valid = Certificate.objects.filter(
        officer_id=OuterRef("pk"), valid_from__lte=on, valid_until__gte=on
    ).filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=on))
    good = set(officers.filter(Exists(valid)).values_list("pk", flat=True))
    total = officers.count()
    return Computed(
        _all_or_nothing(len(good), total),
        f"持有效执法证 {len(good)} 人 / 执法人员 {total} 人",
        lambda: _officer_rows(officers, good, "持有效执法证", "无有效执法证"),
    )
