"""行政执法统计年报: an agency's figures for one calendar year, computed from the records.

Every executive agency publishes its previous year's 行政执法总体情况 by 31 January (国办发〔2018〕
118号; seeds 001, 002, 003: 陕西省指标体系第（42）–（44）项). What each figure counts, and why,
is listed in ``data/disclosure/annual_report.csv``, loaded as rows that administrators may edit
(``annual_definitions.py``); the code here computes exactly the keys those rows list. A year
runs from 1 January 00:00 to 31 December 24:00 in Asia/Shanghai: a decision recorded at 23:30
on 31 December belongs to that year, one at 00:30 on 1 January to the next.

Counts of steps (不予处罚, 撤案, 听证, 集体讨论, 查封扣押 …) are read from the ledger, which
records each step of each case once, with its time (DESIGN.md rule 2: the history of a case is the
ledger filtered by the case).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from sanxiang.acts.models import OtherAct, OtherActKind, Permit, PermitDecision
from sanxiang.cases.deviation import deviation_figures
from sanxiang.cases.models import Case, PenaltyKind, Procedure, StepTaken
from sanxiang.disclosure.annual_definitions import DEFINITIONS_FILE as DEFINITIONS_FILE
from sanxiang.disclosure.annual_definitions import (
    Definition,
    annual_definitions,
    definitions_read,
)
from sanxiang.disclosure.charts import bar_chart_svg
from sanxiang.disclosure.models import Publication, PublicationStatus
from sanxiang.inspections.selectors import random_year
from sanxiang.org.models import Agency, Officer, Role, TrainingKind
from sanxiang.org.training import training_year
from sanxiang.review.figures import figures_for

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOT_RECORDED = "未记录"
NO_DATA = "—（无数据）"

PENALTY_PROCEDURES = (Procedure.PENALTY_GENERAL, Procedure.PENALTY_SIMPLE)
CONFISCATIONS = {PenaltyKind.CONFISCATE_GAINS.value, PenaltyKind.CONFISCATE_PROPERTY.value}
# Case steps (workflow/definitions.py) counted as they were recorded in the ledger.
MEASURE_TAKEN = ("enforce", "enforce_urgently")
INSPECTION_CONCLUDED = ("find_nothing", "find_violation")
STEP_FIGURES = {
    "outcome_no_penalty": ("no_penalty",),
    "outcome_withdrawn": ("withdraw",),
    "outcome_transferred": ("transfer",),
    "hearings_held": ("hold_hearing",),
    "collective_discussions": ("discuss",),
    "coercive_urgent": ("enforce_urgently",),
    "coercive_extended": ("extend",),
    "coercive_released": ("release",),
    "coercive_confiscated": ("confiscate",),
    "coercive_destroyed": ("destroy",),
    "coercive_dropped": ("drop",),
}


def definitions() -> dict[str, Definition]:
    """The figures the shipped file lists, in order (the report itself reads the loaded rows)."""
    return definitions_read(DEFINITIONS_FILE)


@dataclass(frozen=True)
class Figure:
    key: str
    section: str
    label: str
    unit: str
    # None: the system holds no record of it (shown 未记录, never as zero).
    value: int | str | None
    definition: str
    source: str

    @property
    def display(self) -> str:
        if self.value is None:
            return NOT_RECORDED
        if self.unit == "%":
            return str(self.value)
        return f"{self.value} {self.unit}"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class ReviewFigure:
    """One 法制审核 figure as ``review.figures`` computes it."""

    label: str
    value: str
    target: str
    met: bool | None


@dataclass
class AnnualFigures:
    agency_name: str
    agency_credit_code: str
    year: int
    as_of: str  # the local date the figures were computed on (pending publications count)
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    review: list[ReviewFigure] = field(default_factory=list)

    def value(self, key: str) -> int | str | None:
        return next(f.value for f in self.figures if f.key == key)

    def sections(self) -> list[tuple[str, list[Figure]]]:
        grouped: dict[str, list[Figure]] = {}
        for figure in self.figures:
            grouped.setdefault(figure.section, []).append(figure)
        return list(grouped.items())

    def to_json(self) -> dict[str, Any]:
        """Plain data for the published snapshot (canonical JSON, hashed into the ledger)."""
        return {
            "agency": {"name": self.agency_name, "credit_code": self.agency_credit_code},
            "year": self.year,
            "as_of": self.as_of,
            "figures": [dataclasses.asdict(f) for f in self.figures],
            "charts": [
                {"key": c.key, "title": c.title, "bars": [[b.label, b.value] for b in c.bars]}
                for c in self.charts
            ],
            "review": [dataclasses.asdict(r) for r in self.review],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AnnualFigures:
        return cls(
            agency_name=data["agency"]["name"],
            agency_credit_code=data["agency"]["credit_code"],
            year=int(data["year"]),
            as_of=data["as_of"],
            figures=[Figure(**f) for f in data["figures"]],
            charts=[
                Chart(c["key"], c["title"], tuple(Bar(label, int(v)) for label, v in c["bars"]))
                for c in data["charts"]
            ],
            review=[ReviewFigure(**r) for r in data["review"]],
        )


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """1 January 00:00 (inclusive) to the next 1 January 00:00 (exclusive), Shanghai time."""
    return (
        datetime.combine(date(year, 1, 1), time(), tzinfo=SHANGHAI),
        datetime.combine(date(year + 1, 1, 1), time(), tzinfo=SHANGHAI),
    )


def _local_date(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def _steps(agency_id: int, year: int, actions: set[str]) -> list[tuple[int, str]]:
    """(case id, step) of each case step taken in the year, from the cases' history."""
    start, end = year_bounds(year)
    rows = StepTaken.objects.filter(
        case__agency_id=agency_id, action__in=sorted(actions), taken_at__gte=start, taken_at__lt=end
    ).values_list("case_id", "action")
    return list(rows)


def reconsideration_litigation_figures(*, agency_id: int, year: int) -> dict[str, int] | None:
    """行政复议、行政诉讼 against the agency's decisions, as recorded on its cases (执行 section):
    brought in the year, ended in the year by outcome, and still pending at its end."""
    from sanxiang.cases.public import remedy_outcomes

    return remedy_outcomes(agency_id, year)


def _rate(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else NO_DATA


def _training(agency: Agency, year: int) -> dict[str, int | str | None]:
    """培训记录 of the year (org.training): who took part, the hours, and the two rates the
    indicator table asks about (三项制度 for everyone, 法制审核 training for the reviewers)."""
    rows = training_year(agency_id=agency.pk, year=year)
    enforcers = [row for row in rows if row.officer.has_role(Role.OFFICER)]
    reviewers = [row for row in rows if row.officer.has_role(Role.REVIEWER)]
    total = sum((row.hours for row in rows), Decimal(0))
    enforcer_hours = sum((row.hours for row in enforcers), Decimal(0))
    return {
        "training_trained": sum(1 for row in rows if row.courses),
        "training_hours": f"{total.normalize():f}",
        "training_hours_per_officer": (
            f"{(enforcer_hours / len(enforcers)).quantize(Decimal('0.1'))}"
            if enforcers
            else NO_DATA
        ),
        "training_sanxiang_rate": _rate(
            sum(1 for row in rows if row.by_kind.get(TrainingKind.SANXIANG)), len(rows)
        ),
        "training_reviewers_rate": _rate(
            sum(1 for row in reviewers if row.by_kind.get(TrainingKind.REVIEW)), len(reviewers)
        ),
    }


def _discretion(agency: Agency, first: date, last: date) -> dict[str, int | str | None]:
    """裁量偏离 of the year's decisions, as recorded when each was decided (cases.deviation)."""
    # The four figures published since 0017 count 行政处罚决定 only (as their 统计口径 says);
    # 不予行政处罚决定 have rows of their own (0018), so earlier years read the same.
    total = deviation_figures(
        agency_ids=[agency.pk], first=first, last=last, no_penalty=False
    ).total
    excused = deviation_figures(
        agency_ids=[agency.pk], first=first, last=last, no_penalty=True
    ).total
    return {
        "discretion_within": total.within,
        "discretion_outside": total.outside,
        "discretion_outside_rate": _rate(total.outside, total.decisions),
        "discretion_not_chosen": total.not_chosen,
        "discretion_no_penalty_within": excused.within,
        "discretion_no_penalty_outside": excused.outside,
    }


def _recorded_acts(
    values: dict[str, int | str | None], agency_id: int, first: date, last: date
) -> None:
    """行政许可 and the other acts recorded in ``acts``, by decision date."""
    permits = Counter(
        Permit.objects.filter(agency_id=agency_id, decided_on__range=(first, last))
        .values_list("decision", flat=True)
        .order_by()
    )
    ended = (PermitDecision.REVOCATION, PermitDecision.CANCELLATION)
    values["acts_permit"] = sum(n for decision, n in permits.items() if decision not in ended)
    values["permits_refused"] = permits[PermitDecision.REFUSAL]
    values["permits_ended"] = sum(permits[decision] for decision in ended)
    others = Counter(
        OtherAct.objects.filter(agency_id=agency_id, decided_on__range=(first, last))
        .values_list("kind", flat=True)
        .order_by()
    )
    for kind in OtherActKind:
        values[f"acts_{kind.value}"] = others[kind.value]


def annual_figures(*, agency: Agency, year: int, today: date | None = None) -> AnnualFigures:
    """The agency's 行政执法统计年报 figures for ``year``, as of ``today``."""
    today = today or timezone.localdate()
    values: dict[str, int | str | None] = {}
    first, last = date(year, 1, 1), date(year, 12, 31)

    decisions = list(
        Case.objects.filter(
            agency=agency, procedure__in=PENALTY_PROCEDURES, decided_on__range=(first, last)
        )
        .select_related("category")
        .only("pk", "procedure", "penalty_kinds", "fine_yuan", "category__name")
    )
    steps = _steps(
        agency.pk,
        year,
        {*MEASURE_TAKEN, *INSPECTION_CONCLUDED, *(a for v in STEP_FIGURES.values() for a in v)},
    )
    step_counts = Counter(action for _, action in steps)
    measures = [case_id for case_id, action in steps if action in MEASURE_TAKEN]
    inspections = [case_id for case_id, action in steps if action in INSPECTION_CONCLUDED]

    values["acts_penalty"] = values["outcome_penalty"] = len(decisions)
    values["acts_coercive"] = len(measures)
    values["acts_inspection"] = len(inspections)
    _recorded_acts(values, agency.pk, first, last)
    for key, actions in STEP_FIGURES.items():
        values[key] = sum(step_counts[a] for a in actions)
    values["procedure_general"] = sum(
        1 for c in decisions if c.procedure == Procedure.PENALTY_GENERAL
    )
    values["procedure_simple"] = sum(
        1 for c in decisions if c.procedure == Procedure.PENALTY_SIMPLE
    )
    fined = [c for c in decisions if PenaltyKind.FINE in c.penalty_kinds and c.fine_yuan]
    values["fine_decisions"] = len(fined)
    total = sum((c.fine_yuan for c in fined if c.fine_yuan is not None), Decimal("0"))
    values["fines_total_yuan"] = f"{total:.2f}"
    values["confiscation_decisions"] = sum(
        1 for c in decisions if CONFISCATIONS & set(c.penalty_kinds)
    )

    # 事后公开 of the year's decisions, and the year's withdrawals.
    publications = list(
        Publication.objects.filter(agency=agency, decided_on__range=(first, last)).only(
            "status", "due_on", "published_at"
        )
    )
    exempt = [p for p in publications if p.status == PublicationStatus.EXEMPT]
    due = [p for p in publications if p.status != PublicationStatus.EXEMPT]
    published = [p for p in due if p.published_at is not None]
    on_time = [p for p in published if p.published_at and _local_date(p.published_at) <= p.due_on]
    pending_late = [p for p in due if p.status == PublicationStatus.PENDING and p.due_on < today]
    values["publications_due"] = len(due)
    values["publications_published"] = len(published)
    values["publications_on_time"] = len(on_time)
    values["publications_on_time_rate"] = _rate(len(on_time), len(due))
    values["publications_overdue"] = len(published) - len(on_time) + len(pending_late)
    values["publications_exempt"] = len(exempt)
    start, end = year_bounds(year)
    withdrawn = list(
        Publication.objects.filter(
            agency=agency, withdrawn_at__gte=start, withdrawn_at__lt=end
        ).only("withdrawn_at", "withdrawal_due_on")
    )
    values["withdrawals"] = len(withdrawn)
    values["withdrawals_on_time"] = sum(
        1
        for p in withdrawn
        if p.withdrawn_at
        and p.withdrawal_due_on
        and _local_date(p.withdrawn_at) <= p.withdrawal_due_on
    )

    # 双随机抽查: the year's draws, and how their results were published (20 working days).
    random = random_year(agency_id=agency.pk, year=year)
    values.update(random.values)
    drawn_publications = [
        p
        for p in Publication.objects.filter(case_id__in=random.case_ids).only(
            "status", "due_on", "published_at"
        )
        if p.status != PublicationStatus.EXEMPT
    ]
    values["random_results_published"] = sum(1 for p in drawn_publications if p.published_at)
    values["random_results_on_time_rate"] = _rate(
        sum(
            1
            for p in drawn_publications
            if p.published_at and _local_date(p.published_at) <= p.due_on
        ),
        len(drawn_publications),
    )

    staff = Officer.objects.filter(unit__agency=agency).prefetch_related("certificates", "roles")
    values["officers_total"] = sum(1 for o in staff if o.is_active and o.has_role(Role.OFFICER))
    values["officers_certified"] = sum(1 for o in staff if o.certificate_valid_on(last) is not None)
    values.update(_training(agency, year))
    values.update(_discretion(agency, first, last))
    remedies = reconsideration_litigation_figures(agency_id=agency.pk, year=year) or {}
    values["reconsideration_litigation"] = remedies.get("filed")
    values["remedies_upheld"] = (
        remedies.get("upheld", 0) + remedies.get("dismissed", 0) if remedies else None
    )
    values["remedies_corrected"] = (
        sum(remedies.get(k, 0) for k in ("revoked", "changed", "illegal", "void"))
        if remedies
        else None
    )
    values["remedies_pending"] = remedies.get("pending")

    result = AnnualFigures(
        agency_name=agency.name,
        agency_credit_code=agency.credit_code,
        year=year,
        as_of=today.isoformat(),
    )
    shown = annual_definitions()
    for key, d in shown.items():
        result.figures.append(
            Figure(key, d.section, d.label, d.unit, values[key], d.definition, d.source)
        )
    result.charts = _charts(shown, values, decisions, measures, inspections, len(pending_late))
    review = figures_for(agency_id=agency.pk, year=year)
    result.review = [ReviewFigure(f.label, f.value, f.target, f.met) for f in review.figures]
    return result


def _charts(
    shown: dict[str, Definition],
    values: dict[str, int | str | None],
    decisions: list[Case],
    measures: list[int],
    inspections: list[int],
    pending_late: int,
) -> list[Chart]:
    def bars(*keys: str) -> tuple[Bar, ...]:
        return tuple(
            Bar(shown[k].label, int(v))
            for k in keys
            if k in shown and isinstance(v := values[k], int)
        )

    categories: Counter[str] = Counter(c.category.name for c in decisions)
    others = dict(
        Case.objects.filter(pk__in={*measures, *inspections}).values_list("pk", "category__name")
    )
    categories.update(others[pk] for pk in [*measures, *inspections] if pk in others)
    kinds: Counter[str] = Counter(k for c in decisions for k in c.penalty_kinds)
    on_time = int(values["publications_on_time"] or 0)
    published = int(values["publications_published"] or 0)
    return [
        Chart("acts", "按执法行为类别", bars("acts_penalty", "acts_coercive", "acts_inspection")),
        Chart(
            "categories",
            "按执法类别（行政处罚、行政强制、行政检查合计）",
            tuple(Bar(name, n) for name, n in sorted(categories.items(), key=lambda i: -i[1])),
        ),
        Chart(
            "outcomes",
            "按处理结果",
            bars(
                "outcome_penalty", "outcome_no_penalty", "outcome_withdrawn", "outcome_transferred"
            ),
        ),
        Chart("procedures", "行政处罚按程序", bars("procedure_general", "procedure_simple")),
        Chart(
            "penalty_kinds",
            "行政处罚按处罚种类",
            tuple(Bar(label, kinds[code]) for code, label in PenaltyKind.choices if kinds[code]),
        ),
        Chart(
            "measures",
            "行政强制措施及其结果",
            bars(
                "acts_coercive",
                "coercive_urgent",
                "coercive_extended",
                "coercive_released",
                "coercive_confiscated",
                "coercive_destroyed",
                "coercive_dropped",
            ),
        ),
        Chart(
            "publications",
            "执法决定公示",
            (
                Bar("按时公示", on_time),
                Bar("逾期公示", published - on_time),
                Bar("逾期未公示", pending_late),
                *bars("publications_exempt", "withdrawals", "withdrawals_on_time"),
            ),
        ),
    ]


def report_title(figures: AnnualFigures) -> str:
    return f"{figures.agency_name}{figures.year}年度行政执法统计年报"


def report_context(figures: AnnualFigures) -> dict[str, Any]:
    """What the report's templates need: the figures by section and each chart as SVG."""
    return {
        "report": figures,
        "title": report_title(figures),
        "sections": figures.sections(),
        "charts": [
            {"title": c.title, "svg": bar_chart_svg(c.title, [(b.label, b.value) for b in c.bars])}
            for c in figures.charts
        ],
    }
