"""Computed items of 一、行政执法公示 and 二、执法全过程记录 (items (1)–(84) of the
三项制度工作指标体系), each registered for its ``auto:<key>`` row of
data/supervision/indicators.csv with the shared ``scorer`` decorator of ``supervision.scorers``
(whose docstring says what a scorer returns). ``supervision.apps`` imports this module so that
the scorecard finds them.

The 事前公开 items read the newest list the agency **published** on or before the end of the year
(today, for the current year): ``disclosure.ListingSnapshot``, exactly what the portal showed, not
the master data as it stands now. A list never published scores nothing: the indicator asks for
the list to be public. Items about using the records (案卷评查, 执法监督) are 待评 (None) when the
year holds nothing to read, since the absence of a record there proves no failure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from sanxiang.cases.models import (
    AccessReason,
    ApprovalSignature,
    Case,
    CaseAccess,
    CaseDocument,
    PartyQueryCode,
    Procedure,
    StepTaken,
)
from sanxiang.cases.recording import SERVICE_STEP, matters_for
from sanxiang.core.selectors import get_calendar
from sanxiang.disclosure.models import (
    ActKind,
    ListingChange,
    ListingKind,
    ListingSnapshot,
    Publication,
    PublicationStatus,
    RepublicationCause,
)
from sanxiang.evidence.models import EvidenceItem, EvidenceKind
from sanxiang.org.models import Certificate, EnforcementItem, PowerKind, Role, ServiceGuide
from sanxiang.supervision.opinions.models import Opinion
from sanxiang.supervision.scorers import (
    Computed,
    DetailRow,
    _all_or_nothing,
    _case_rows,
    _case_url,
    _officer_rows,
    _share,
    _staff,
    _year_end,
    scorer,
)

AUDIO_VISUAL = [EvidenceKind.AUDIO, EvidenceKind.VIDEO, EvidenceKind.FULL_VIDEO]
PENALTIES = [Procedure.PENALTY_GENERAL, Procedure.PENALTY_SIMPLE]


def _day(on: date) -> str:
    return f"{on:%Y年%m月%d日}"


# --- 事前公开: the published lists ----------------------------------------------------------


def _snapshot(agency_id: int, kind: str, on: date) -> ListingSnapshot | None:
    """The newest version of list ``kind`` the agency published on or before ``on``."""
    return (
        ListingSnapshot.objects.filter(agency_id=agency_id, kind=kind, published_at__date__lte=on)
        .order_by("-number")
        .first()
    )


# One entry of a published list: its label and the content the list showed for it.
Entry = tuple[str, dict[str, Any]]
# Whether an entry meets the item, and what it shows in the detail (what it lacks, if anything).
Check = Callable[[dict[str, Any]], tuple[bool, str]]


def _listing(
    agency_id: int,
    year: int,
    today: date,
    kind: str,
    entries: Callable[[dict[str, Any]], list[Entry]],
    check: Check,
    *,
    counted: str,
    whole: bool,
) -> Computed:
    """Score the entries of the newest published list ``kind`` by ``check``: points × the share
    that pass, or (``whole``) full points only when every one passes. No published list, or one
    with no entry: none."""
    on = _year_end(year, today)
    label = ListingKind(kind).label
    snapshot = _snapshot(agency_id, kind, on)
    if snapshot is None:
        return Computed(Decimal(0), f"截至{_day(on)}未公示{label}")
    rows = [(name, *check(entry)) for name, entry in entries(snapshot.content)]
    good, total = sum(1 for _, ok, _ in rows if ok), len(rows)
    published = timezone.localdate(snapshot.published_at)
    version = f"{label}第{snapshot.number}版（{_day(published)}公示）"
    figures = f"{version}：{counted} {good} 项 / 共 {total} 项"
    if total == 0:
        return Computed(Decimal(0), figures)
    url = reverse("portal:lists", args=[kind])

    def detail() -> list[DetailRow]:
        return [DetailRow(name, shown, ok, url) for name, ok, shown in rows]

    fraction = _all_or_nothing(good, total) if whole else _share(good, total)
    return Computed(fraction, figures, detail)


def _lacking(entry: dict[str, Any], wanted: Iterable[tuple[str, str]]) -> tuple[bool, str]:
    """Whether every field named in ``wanted`` (key, 名称) is filled in, and what is missing."""
    missing = [name for key, name in wanted if not str(entry.get(key) or "").strip()]
    return (not missing, "齐全" if not missing else "缺" + "、".join(missing))


def _subject_entries(content: dict[str, Any]) -> list[Entry]:
    agency = content.get("agency") or {}
    units = content.get("units") or []
    return [(f"执法主体：{agency.get('name', '')}", agency)] + [
        (f"内设机构：{unit.get('name', '')}", unit) for unit in units
    ]


@scorer("subject_units_contact")
def subject_units_contact(agency_id: int, year: int, today: date) -> Computed:
    """(3) The published 执法主体 list names the agency's 内设机构 and gives the office address
    and telephone of the agency and of every unit listed: full points only when it lists at
    least one unit and every entry has both; none otherwise (or when never published)."""

    def entries(content: dict[str, Any]) -> list[Entry]:
        return _subject_entries(content) if content.get("units") else []

    return _listing(
        agency_id, year, today, ListingKind.SUBJECT, entries,
        lambda e: _lacking(e, [("address", "办公地址"), ("phone", "联系电话")]),
        counted="标明办公地址和联系方式", whole=True,
    )  # fmt: skip


@scorer("subject_duties")
def subject_duties(agency_id: int, year: int, today: date) -> Computed:
    """(5) 职责: the published 执法主体 list states the agency's 单位职能 and the 岗位职责 of each
    unit: full points only when every entry states them; none otherwise."""

    def check(entry: dict[str, Any]) -> tuple[bool, str]:
        key = "functions" if "functions" in entry else "duties"
        return _lacking(entry, [(key, "单位职能" if key == "functions" else "岗位职责")])

    return _listing(
        agency_id, year, today, ListingKind.SUBJECT, _subject_entries, check,
        counted="写明职能或岗位职责", whole=True,
    )  # fmt: skip


def _item_entries(content: dict[str, Any]) -> list[Entry]:
    return [(f"{i.get('code', '')} {i.get('name', '')}", i) for i in content.get("items") or []]


@scorer("items_authority")
def items_authority(agency_id: int, year: int, today: date) -> Computed:
    """(6) 权限: points × the share of the 执法事项 in the published 行政执法事项清单 that state
    their 权限 (决定权、调查取证权 …)."""
    return _listing(
        agency_id, year, today, ListingKind.ITEMS, _item_entries,
        lambda e: _lacking(e, [("authority", "权限")]), counted="写明权限", whole=False,
    )  # fmt: skip


@scorer("items_basis_articles")
def items_basis_articles(agency_id: int, year: int, today: date) -> Computed:
    """(7) 依据具体到条款: points × the share of the 执法事项 in the published 行政执法事项清单
    that cite at least one article of the 法律法规库 and, for 行政处罚 事项 (where discretion is
    exercised), state their 裁量依据."""

    def check(entry: dict[str, Any]) -> tuple[bool, str]:
        missing = []
        if not (entry.get("basis") or {}).get("articles"):
            missing.append("具体条款")
        if entry.get("kind") == PowerKind.PENALTY.label and not entry.get("discretion_basis"):
            missing.append("裁量依据")
        return (not missing, "齐全" if not missing else "缺" + "、".join(missing))

    return _listing(
        agency_id, year, today, ListingKind.ITEMS, _item_entries, check,
        counted="依据具体到条款", whole=False,
    )  # fmt: skip


@scorer("remedies_published")
def remedies_published(agency_id: int, year: int, today: date) -> Computed:
    """(8) 救济渠道: full points when the published 救济渠道 list gives both 行政复议 and
    行政诉讼, each with its 期限 and 方式 (how to apply or sue); none otherwise."""

    def entries(content: dict[str, Any]) -> list[Entry]:
        channels = content.get("channels") or []
        found = [(f"{c.get('kind', '')}：{c.get('body', '')}", c) for c in channels]
        kinds = {c.get("kind") for c in channels}
        # A missing kind is an entry that fails, so that the detail says what is lacking.
        return found + [
            (f"{kind}：未登记", {}) for kind in ("行政复议", "行政诉讼") if kind not in kinds
        ]

    return _listing(
        agency_id, year, today, ListingKind.REMEDIES, entries,
        lambda e: _lacking(e, [("body", "受理机关"), ("period", "期限"), ("how", "方式")]),
        counted="写明受理机关、期限和方式", whole=True,
    )  # fmt: skip


@scorer("random_checks_published")
def random_checks_published(agency_id: int, year: int, today: date) -> Computed:
    """(9) 制定并公开随机抽查事项清单: full points when a 随机抽查事项清单 with at least one
    事项 was published on or before the year's end; none otherwise."""
    return _listing(
        agency_id, year, today, ListingKind.RANDOM_CHECKS, _item_entries,
        lambda e: (True, "已公示"), counted="已公示抽查事项", whole=True,
    )  # fmt: skip


RANDOM_CHECK_ELEMENTS = [
    ("name", "抽查事项"), ("targets", "抽查对象"), ("population", "抽查对象基数"),
    ("ratio_percent", "抽查比例"), ("cycle", "抽查周期"), ("method", "抽查方式"),
    ("subject", "抽查主体"),
]  # fmt: skip


@scorer("random_checks_complete")
def random_checks_complete(agency_id: int, year: int, today: date) -> Computed:
    """(10) points × the share of the 事项 in the published 随机抽查事项清单 that give all eight
    elements: 抽查事项、抽查依据 (an article or another basis)、抽查对象、抽查对象基数 (above
    zero)、抽查比例、抽查周期、抽查方式、抽查主体."""

    def check(entry: dict[str, Any]) -> tuple[bool, str]:
        missing = [
            name for key, name in RANDOM_CHECK_ELEMENTS if not str(entry.get(key) or "").strip()
        ]
        if "抽查对象基数" not in missing and not int(entry.get("population") or 0):
            missing.append("抽查对象基数")
        basis = entry.get("basis") or {}
        if not basis.get("articles") and not str(basis.get("note") or "").strip():
            missing.append("抽查依据")
        return (not missing, "八项齐全" if not missing else "缺" + "、".join(missing))

    return _listing(
        agency_id, year, today, ListingKind.RANDOM_CHECKS, _item_entries, check,
        counted="要素齐全", whole=False,
    )  # fmt: skip


@scorer("guides_compiled")
def guides_compiled(agency_id: int, year: int, today: date) -> Computed:
    """(11) 编制服务指南、执法流程图: full points when the agency has compiled a 服务指南 for at
    least one active 执法事项 and every guide names its 办理流程 (a 执法流程图 of the platform,
    rendered from the procedure the system enforces, or a 流程说明); none otherwise. Guides keep
    no history, so only the current year is computed; earlier years are 待评."""
    if year != today.year:
        return Computed(None, "服务指南不保留历史版本，往年情况由监督人员评分")
    guides = ServiceGuide.objects.filter(item__agency_id=agency_id, item__is_active=True)
    rows = list(guides.select_related("item").order_by("item__code"))
    good = {g.pk for g in rows if g.procedure or g.process_note.strip()}
    items = EnforcementItem.objects.filter(agency_id=agency_id, is_active=True).count()

    def detail() -> list[DetailRow]:
        return [
            DetailRow(f"{g.item.code} {g.item.name}",
                      "有执法流程图或流程说明" if g.pk in good else "未写明办理流程", g.pk in good)
            for g in rows
        ]  # fmt: skip

    figures = (
        f"已编制服务指南 {len(rows)} 项（有效执法事项 {items} 项），写明办理流程 {len(good)} 项"
    )
    met = bool(rows) and len(good) == len(rows)
    return Computed(Decimal(int(met)), figures, detail)


@scorer("guides_published")
def guides_published(agency_id: int, year: int, today: date) -> Computed:
    """(12) 公开服务指南、执法流程图: points × the share of the guides in the published 服务指南
    list that show their 办理流程 (a 执法流程图 or a 流程说明); none when no guide was
    published."""

    def entries(content: dict[str, Any]) -> list[Entry]:
        return [
            (f"{g.get('code', '')} {g.get('name', '')}", g) for g in content.get("guides") or []
        ]

    def check(entry: dict[str, Any]) -> tuple[bool, str]:
        if entry.get("procedure"):
            return True, "公开执法流程图"
        if str(entry.get("process_note") or "").strip():
            return True, "公开流程说明"
        return False, "未公开办理流程"

    return _listing(
        agency_id, year, today, ListingKind.GUIDES, entries, check,
        counted="公开办理流程", whole=False,
    )  # fmt: skip


def _adjustments(agency_id: int, year: int, today: date, cause: str) -> Computed:
    """Published lists that went out of date for ``cause`` with an adjustment due date in the
    year that has come (or that were adjusted): points × the share re-published by that date."""
    due = ListingChange.objects.filter(agency_id=agency_id, cause=cause, due_on__year=year).filter(
        Q(due_on__lt=today) | Q(resolved_at__isnull=False)
    )
    on_time = due.annotate(on=TruncDate("resolved_at")).filter(on__lte=F("due_on"))
    good = set(on_time.values_list("pk", flat=True))
    total = due.count()

    def detail() -> list[DetailRow]:
        return [
            DetailRow(f"{ListingKind(c.kind).label}：{c.what}", f"应于 {c.due_on:%Y-%m-%d} 前调整",
                      c.pk in good)
            for c in due.order_by("due_on", "pk")[:500]
        ]  # fmt: skip

    return Computed(
        _share(len(good), total), f"按期调整 {len(good)} 次 / 应调整 {total} 次", detail
    )


@scorer("listings_law_adjusted")
def listings_law_adjusted(agency_id: int, year: int, today: date) -> Computed:
    """(21) 法律法规规章立改废释: published lists citing a law that was amended, replaced or
    repealed, due to be adjusted in the year (10 个工作日 from the change taking effect, as
    ``ListingChange.due_on`` records it): points × the share re-published by the due date."""
    return _adjustments(agency_id, year, today, RepublicationCause.LAW)


@scorer("listings_duty_adjusted")
def listings_duty_adjusted(agency_id: int, year: int, today: date) -> Computed:
    """(22) 机构职能、执法职权变化: published lists made out of date by an edit of the agency's
    own duties or powers, due in the year (20 个工作日): points × the share re-published by the
    due date."""
    return _adjustments(agency_id, year, today, RepublicationCause.DUTY)


# --- 事中公示 -------------------------------------------------------------------------------


@scorer("officers_listed")
def officers_listed(agency_id: int, year: int, today: date) -> Computed:
    """(4) 人员的公开: points × the share of the agency's active 执法人员 that the portal's
    行政执法人员清单 shows with 姓名、性别、职务 and a 执法证号 (an officer without a registered
    执法证 is not listed at all; one without a 职务 is listed incompletely). Officers are counted
    as the records stand today (like (164)), with a 执法证 issued by the year's end."""
    officers = _staff(agency_id, Role.OFFICER).distinct()
    on = _year_end(year, today)
    listed = Exists(Certificate.objects.filter(officer_id=OuterRef("pk"), valid_from__lte=on))
    good = set(officers.filter(listed).exclude(post="").values_list("pk", flat=True))
    total = officers.count()
    return Computed(
        _share(len(good), total),
        f"公开姓名、性别、职务和执法证号 {len(good)} 人 / 执法人员 {total} 人",
        lambda: _officer_rows(officers, good, "四项齐全", "未登记执法证或职务"),
    )


@scorer("progress_query")
def progress_query(agency_id: int, year: int, today: date) -> Computed:
    """(34) 可以查询办理进度: cases 立案 in the year: points × the share whose party was given a
    查询码 for the portal's 当事人查询 (printed on the documents handed to him)."""
    cases = Case.objects.filter(agency_id=agency_id, registered_on__year=year)
    issued = Exists(PartyQueryCode.objects.filter(case_id=OuterRef("pk")))
    good = set(cases.filter(issued).values_list("pk", flat=True))
    total = cases.count()
    return Computed(
        _share(len(good), total),
        f"当事人可查询办理进度 {len(good)} 件 / 本年度立案 {total} 件",
        lambda: _case_rows(cases, good),
    )


# --- 事后公开 -------------------------------------------------------------------------------

PUBLIC_FIELDS = ["执法机关", "执法对象", "执法类别", "执法结论"]


def _published_in(agency_id: int, year: int) -> QuerySet[Publication]:
    return Publication.objects.filter(agency_id=agency_id, published_at__year=year).exclude(
        status=PublicationStatus.EXEMPT
    )


@scorer("publication_fields")
def publication_fields(agency_id: int, year: int, today: date) -> Computed:
    """(38) Decisions first published in the year: points × the share whose published record
    names the 执法机关、执法对象、执法类别 and 执法结论."""
    published = _published_in(agency_id, year)

    def lacking(fields: dict[str, Any] | None) -> list[str]:
        return [k for k in PUBLIC_FIELDS if not str((fields or {}).get(k) or "").strip()]

    good = total = 0
    for fields in published.values_list("fields", flat=True).iterator(chunk_size=2000):
        total += 1
        good += not lacking(fields)

    def detail() -> list[DetailRow]:
        rows = published.only("pk", "title", "fields", "case_id").order_by("published_at", "pk")
        found = []
        for p in rows[:500]:
            missing = lacking(p.fields)
            shown = "缺" + "、".join(missing) if missing else "四项齐全"
            url = _case_url(p.case_id) if p.case_id else ""
            found.append(DetailRow(p.title, shown, not missing, url))
        return found

    return Computed(_share(good, total), f"内容要素齐全 {good} 件 / 本年度公示 {total} 件", detail)


@scorer("credit_recorded")
def credit_recorded(agency_id: int, year: int, today: date) -> Computed:
    """(79) 运用于健全社会信用体系: 行政处罚决定 first published in the year: points × the share
    published with their 失信程度 (and so their 信用公示期) recorded for the credit platforms."""
    published = _published_in(agency_id, year).filter(kind=ActKind.PENALTY)
    good = set(published.exclude(credit_severity="").values_list("pk", flat=True))
    total = published.count()

    def detail() -> list[DetailRow]:
        return [
            DetailRow(p.title, p.get_credit_severity_display() or "未记录失信程度", p.pk in good,
                      _case_url(p.case_id) if p.case_id else "")
            for p in published.order_by("published_at", "pk")[:500]
        ]  # fmt: skip

    return Computed(
        _share(len(good), total), f"记录失信程度 {len(good)} 件 / 公示处罚决定 {total} 件", detail
    )


# --- 文字记录 -------------------------------------------------------------------------------

DECISION_DOCUMENTS = ["decision", "no_penalty_decision", "on_spot_decision"]
SERVICE_DAYS = 7  # 行政处罚法第六十一条 (七日, working days by 第八十五条)


@scorer("service_timely")
def service_timely(agency_id: int, year: int, today: date) -> Computed:
    """(25) 按照规定时点出具行政执法文书: 一般程序 decisions of the year whose period of service
    has run (or that were served): points × the share served within 7 个工作日 of the decision
    (行政处罚法第六十一条、第八十五条), as the case's recorded 送达日期 shows."""
    calendar = get_calendar()
    cases = Case.objects.filter(
        agency_id=agency_id, procedure=Procedure.PENALTY_GENERAL, decided_on__year=year
    )
    due: dict[int, date] = {}
    good: set[int] = set()
    for pk, decided_on, served_on in cases.values_list("pk", "decided_on", "served_on"):
        if decided_on is None:  # not read: the filter asks for a decision date
            continue
        by = calendar.add_workdays_provisional(decided_on, SERVICE_DAYS).on
        if served_on is None and by >= today:
            continue
        due[pk] = by
        if served_on is not None and served_on <= by:
            good.add(pk)
    counted = cases.filter(pk__in=list(due))
    return Computed(
        _share(len(good), len(due)),
        f"按期送达决定书 {len(good)} 件 / 应送达 {len(due)} 件",
        lambda: _case_rows(counted, good),
    )


@scorer("format_documents")
def format_documents(agency_id: int, year: int, today: date) -> Computed:
    """(45) 使用执法格式文书: 行政处罚 cases decided in the year: points × the share whose
    决定书 (行政处罚、不予行政处罚 or 当场处罚决定书) was made on the platform from its 格式文书."""
    cases = Case.objects.filter(agency_id=agency_id, procedure__in=PENALTIES, decided_on__year=year)
    made = Exists(CaseDocument.objects.filter(case_id=OuterRef("pk"), kind__in=DECISION_DOCUMENTS))
    good = set(cases.filter(made).values_list("pk", flat=True))
    total = cases.count()
    return Computed(
        _share(len(good), total),
        f"以格式文书制作决定书 {len(good)} 件 / 本年度作出处罚决定 {total} 件",
        lambda: _case_rows(cases, good),
    )


# --- 音像记录 -------------------------------------------------------------------------------


def _first_versions(agency_id: int, year: int) -> QuerySet[EvidenceItem]:
    """The agency's records collected in the year, each once (corrections are later versions)."""
    return EvidenceItem.objects.filter(
        agency_id=agency_id, collected_at__year=year, supersedes__isnull=True
    )


def _evidence_rows(items: QuerySet[EvidenceItem], good: set[int] | None = None) -> list[DetailRow]:
    return [
        DetailRow(f"{e.case_number} {e.get_kind_display()} {e.proves}",
                  f"{timezone.localtime(e.collected_at):%Y-%m-%d} 采集",
                  True if good is None else e.pk in good, reverse("evidence:detail", args=[e.pk]))
        for e in items.order_by("collected_at", "pk")[:500]
    ]  # fmt: skip


@scorer("av_recording_used")
def av_recording_used(agency_id: int, year: int, today: date) -> Computed:
    """(53) 采用音像记录方式记录执法: full points when the agency filed at least one 录音、录像 or
    全程录像 collected in the year in the evidence store; none otherwise."""
    records = _first_versions(agency_id, year).filter(kind__in=AUDIO_VISUAL)
    total = records.count()
    return Computed(
        Decimal(int(total > 0)),
        f"本年度采集的音像记录 {total} 份",
        lambda: _evidence_rows(records),
    )


@scorer("av_as_evidence")
def av_as_evidence(agency_id: int, year: int, today: date) -> Computed:
    """(54) 将音像记录作为执法证据使用: cases decided in the year (行政处罚) or whose 查封、扣押
    was carried out in the year: full points when at least one of them has a 录音、录像 or
    全程录像 filed under it as evidence; none when none has; 待评 when there is no such case."""
    cases = Case.objects.filter(agency_id=agency_id).filter(
        Q(decided_on__year=year) | Q(measure_taken_at__year=year)
    )
    rows = list(cases.values_list("pk", "number"))
    numbers = {number for _, number in rows if number}
    filed = set(
        EvidenceItem.objects.filter(
            agency_id=agency_id, case_number__in=numbers, kind__in=AUDIO_VISUAL
        ).values_list("case_number", flat=True)
    )
    good = {pk for pk, number in rows if number in filed}
    total = len(rows)
    fraction = None if total == 0 else Decimal(int(bool(good)))
    return Computed(
        fraction,
        f"以音像记录为证据的案件 {len(good)} 件 / 本年度作出决定或实施查封扣押 {total} 件",
        lambda: _case_rows(cases, good),
    )


@scorer("disputed_recorded")
def disputed_recorded(agency_id: int, year: int, today: date) -> Computed:
    """(59) 对容易引发争议的执法过程进行音像记录: the steps of the year that the agency's
    行政执法音像记录事项清单 lists for a recording that need not be a 全程录像 (听证、留置送达、
    公告送达 and any the agency adds to its list; 查封、扣押 are item (57)): points × the share
    of those steps whose case has a recording of a kind the list accepts. A step of the
    procedure counts on the day it was taken; a 送达 on the day its 送达回证 was made."""
    matters = [
        m for m in matters_for(agency_id) if m.step and m.kind_list != [EvidenceKind.FULL_VIDEO]
    ]
    taken: list[tuple[int, str, list[str]]] = []  # (case id, matter, kinds that satisfy it)
    for matter in matters:
        if matter.step.startswith(SERVICE_STEP):
            method = matter.step.removeprefix(SERVICE_STEP)
            ids: Iterable[int] = CaseDocument.objects.filter(
                case__agency_id=agency_id, kind="service_proof", created_at__year=year,
                fields__method=method,
            ).values_list("case_id", flat=True)  # fmt: skip
        else:
            procedure, _, action = matter.step.partition(".")
            ids = StepTaken.objects.filter(
                case__agency_id=agency_id, case__procedure=procedure, action=action,
                taken_on__year=year,
            ).values_list("case_id", flat=True)  # fmt: skip
        taken += [(case_id, matter.matter, matter.kind_list) for case_id in sorted(set(ids))]
    cases = Case.objects.filter(pk__in={case_id for case_id, _, _ in taken})
    numbers = dict(cases.values_list("pk", "number"))
    recorded = set(
        EvidenceItem.objects.filter(
            agency_id=agency_id, case_number__in=[n for n in numbers.values() if n]
        ).values_list("case_number", "kind")
    )
    good = [(numbers.get(c), kinds) for c, _, kinds in taken]
    ok = [any((number, kind) in recorded for kind in kinds) for number, kinds in good]

    def detail() -> list[DetailRow]:
        titles = dict(cases.values_list("pk", "title"))
        return [
            DetailRow(f"{numbers.get(c) or '（未编号）'} {titles.get(c, '')}：{matter}",
                      "有音像记录" if passed else "无音像记录", passed, _case_url(c))
            for (c, matter, _), passed in zip(taken, ok, strict=True)
        ][:500]  # fmt: skip

    return Computed(
        _share(sum(ok), len(taken)),
        f"有音像记录 {sum(ok)} 次 / 清单所列执法过程 {len(taken)} 次",
        detail,
    )


# --- 记录归档和储存 ---------------------------------------------------------------------------


@scorer("records_stored")
def records_stored(agency_id: int, year: int, today: date) -> Computed:
    """(70) 采用现代信息存储方式存储执法记录: full points when the agency filed records collected
    in the year in the platform's evidence store (content-addressed, each with its SHA-256 and
    SM3 fingerprints and a ledger event); none when it filed none."""
    records = _first_versions(agency_id, year)
    total = records.count()
    return Computed(
        Decimal(int(total > 0)),
        f"本年度存入证据库的执法记录 {total} 份",
        lambda: _evidence_rows(records),
    )


@scorer("records_by_target")
def records_by_target(agency_id: int, year: int, today: date) -> Computed:
    """(71) 同一执法对象的信息集中储存: records collected in the year: points × the share filed
    under their 执法对象 (by 统一社会信用代码 or 身份证件号码), so that one party's text and
    audio-visual records are found together."""
    records = _first_versions(agency_id, year)
    good = set(records.filter(target__isnull=False).values_list("pk", flat=True))
    total = records.count()
    return Computed(
        _share(len(good), total),
        f"关联执法对象 {len(good)} 份 / 本年度执法记录 {total} 份",
        lambda: _evidence_rows(records, good),
    )


@scorer("approvals_signed")
def approvals_signed(agency_id: int, year: int, today: date) -> Computed:
    """(72) 基于电子签章的全过程数据化记录: 一般程序 cases decided in the year: points × the
    share whose 负责人审批 carries an electronic signature checked against the signer's
    registered key (``ApprovalSignature``; the agency turns it on in its 办案规则)."""
    cases = Case.objects.filter(
        agency_id=agency_id, procedure=Procedure.PENALTY_GENERAL, decided_on__year=year
    )
    signed = Exists(ApprovalSignature.objects.filter(case_id=OuterRef("pk")))
    good = set(cases.filter(signed).values_list("pk", flat=True))
    total = cases.count()
    return Computed(
        _share(len(good), total),
        f"负责人审批电子签名 {len(good)} 件 / 一般程序决定 {total} 件",
        lambda: _case_rows(cases, good),
    )


# --- 发挥记录作用 ---------------------------------------------------------------------------


def _reads(agency_id: int, year: int) -> QuerySet[CaseAccess]:
    """Supervisors' openings of the agency's cases in the year (each with its 调阅事由)."""
    return CaseAccess.objects.filter(case__agency_id=agency_id, accessed_at__year=year).exclude(
        reason=""
    )


@scorer("records_in_evaluation")
def records_in_evaluation(agency_id: int, year: int, today: date) -> Computed:
    """(74) 运用于案卷评查: full points when in the year an evaluator read at least one of the
    agency's cases on the platform under the 调阅事由 “案卷评查” (which a 案卷评查 score
    requires); 待评 when none was read so."""
    reads = _reads(agency_id, year).filter(reason=AccessReason.FILE_REVIEW)
    total = reads.count()
    cases = Case.objects.filter(pk__in=reads.values("case_id"))
    return Computed(
        Decimal(1) if total else None,
        f"以案卷评查为事由调阅案卷 {total} 次",
        lambda: _case_rows(cases, set(cases.values_list("pk", flat=True))),
    )


@scorer("records_in_supervision")
def records_in_supervision(agency_id: int, year: int, today: date) -> Computed:
    """(75) 运用于执法监督: full points when in the year a 监督人员 read the agency's cases
    through the platform for supervision (调阅事由 日常监督、投诉举报核查 or 预警核查; 案卷评查 is
    item (74)) or issued an 执法监督意见 or 责令纠正 on one; 待评 when neither happened."""
    accesses = _reads(agency_id, year).exclude(reason=AccessReason.FILE_REVIEW)
    opinions = Opinion.objects.filter(agency_id=agency_id, issued_on__year=year)
    read, issued = accesses.count(), opinions.count()
    cases = Case.objects.filter(
        Q(pk__in=accesses.values("case_id")) | Q(pk__in=opinions.values("case_id"))
    )
    return Computed(
        Decimal(1) if read or issued else None,
        f"监督调阅 {read} 次，出具监督意见或纠正通知 {issued} 件",
        lambda: _case_rows(cases, set(cases.values_list("pk", flat=True))),
    )
