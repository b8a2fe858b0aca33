"""Reads of the 三项制度工作指标体系 scorecard: one agency's items for a year, each with its
points, its score and (for computed items) the figures behind it; totals per 一级指标; and the
comparison of the agencies under a supervising body.

An item's score is the newest ``IndicatorScore`` a 监督人员 entered for it (a manual score, or
an override of a computed figure, always with a reason); otherwise, for ``auto:`` items, what
its scorer computes (``supervision.scorers``; items (85)–(170) in ``scorers_review``);
otherwise none (待评).

Who reads: the 监督人员 of a body whose area includes the agency, and the agency's own
负责人 (its own scorecard, read-only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from sanxiang.org.models import Agency, Officer, Role
from sanxiang.org.selectors import supervised_agency_ids, supervisory_body_of

# Scorers kept in their own modules join SCORERS when imported: items (43)–(44) and (85)–(170)
# here; those of 公示 and 全过程记录 (scorers_publicity) from SupervisionConfig.ready.
from sanxiang.supervision import scorers_reporting, scorers_review  # noqa: F401
from sanxiang.supervision.models import Indicator, IndicatorScore
from sanxiang.supervision.scorers import SCORERS, Computed


@dataclass
class Item:
    indicator: Indicator
    computed: Computed | None = None
    entry: IndicatorScore | None = None

    @property
    def computed_score(self) -> Decimal | None:
        return None if self.computed is None else self.computed.score(self.indicator.points)

    @property
    def score(self) -> Decimal | None:
        if self.entry is not None:
            return self.entry.score
        return self.computed_score

    @property
    def method(self) -> str:
        key = self.indicator.auto_key
        return "监督人员评分" if key is None else "平台计分"

    @property
    def overridden(self) -> bool:
        return self.entry is not None and self.indicator.auto_key is not None


@dataclass
class Group:
    primary: str
    items: list[Item] = field(default_factory=list)

    @property
    def points(self) -> Decimal:
        return sum((i.indicator.points for i in self.items), Decimal(0))

    @property
    def score(self) -> Decimal:
        return sum((i.score for i in self.items if i.score is not None), Decimal("0.0"))

    @property
    def short(self) -> str:
        """一、二 … (the comparison's column heads)."""
        return self.primary.split("、", 1)[0]

    @property
    def unscored(self) -> int:
        return sum(1 for i in self.items if i.score is None)


@dataclass
class Scorecard:
    agency: Agency
    year: int
    groups: list[Group]

    @property
    def points(self) -> Decimal:
        return sum((g.points for g in self.groups), Decimal(0))

    @property
    def score(self) -> Decimal:
        return sum((g.score for g in self.groups), Decimal("0.0"))

    @property
    def unscored(self) -> int:
        return sum(g.unscored for g in self.groups)

    @property
    def items(self) -> list[Item]:
        return [item for group in self.groups for item in group.items]


def may_score(officer: Officer, agency_id: int) -> bool:
    return supervisory_body_of(officer) is not None and agency_id in supervised_agency_ids(officer)


def may_read_scorecard(officer: Officer, agency_id: int) -> bool:
    if not officer.is_active:
        return False
    if may_score(officer, agency_id):
        return True
    return officer.unit.agency_id == agency_id and officer.has_role(Role.HEAD)


def scored_agencies(officer: Officer) -> QuerySet[Agency]:
    """The agencies whose scorecards ``officer`` may read, by name."""
    ids = set(supervised_agency_ids(officer))
    if officer.is_active and officer.has_role(Role.HEAD):
        ids.add(officer.unit.agency_id)
    return Agency.objects.filter(pk__in=sorted(ids)).order_by("name")


def latest_scores(agency_ids: list[int], year: int) -> dict[tuple[int, int], IndicatorScore]:
    """The newest entry per (agency, indicator) for the year."""
    found: dict[tuple[int, int], IndicatorScore] = {}
    rows = (
        IndicatorScore.objects.filter(agency_id__in=agency_ids, year=year)
        .select_related("scored_by", "attachment")
        .order_by("scored_at", "pk")
    )
    for row in rows:
        found[(row.agency_id, row.indicator_id)] = row
    return found


def _build(
    agency: Agency,
    year: int,
    today: date,
    indicators: list[Indicator],
    entries: dict[tuple[int, int], IndicatorScore],
) -> Scorecard:
    computed: dict[str, Computed] = {}
    groups: dict[str, Group] = {}
    for indicator in indicators:
        key = indicator.auto_key
        result = None
        if key is not None and key in SCORERS:
            if key not in computed:
                computed[key] = SCORERS[key](agency.pk, year, today)
            result = computed[key]
        item = Item(indicator, result, entries.get((agency.pk, indicator.pk)))
        groups.setdefault(indicator.primary, Group(indicator.primary)).items.append(item)
    return Scorecard(agency, year, list(groups.values()))


def scorecard_of(agency: Agency, *, year: int, today: date) -> Scorecard:
    """Every item of ``agency``'s scorecard for ``year`` (the caller checked the reader)."""
    indicators = list(Indicator.objects.order_by("number"))
    return _build(agency, year, today, indicators, latest_scores([agency.pk], year))


def scorecard_for(officer: Officer, *, agency_id: int, year: int, today: date) -> Scorecard | None:
    """The scorecard, or None when ``officer`` may not read it (or there is no such agency)."""
    if not may_read_scorecard(officer, agency_id):
        return None
    agency = Agency.objects.filter(pk=agency_id).first()
    return None if agency is None else scorecard_of(agency, year=year, today=today)


def history_of(agency_id: int, year: int, indicator: Indicator) -> QuerySet[IndicatorScore]:
    return (
        IndicatorScore.objects.filter(agency_id=agency_id, year=year, indicator=indicator)
        .select_related("scored_by", "attachment")
        .order_by("-scored_at", "-pk")
    )


@dataclass(frozen=True)
class ComparisonRow:
    agency: Agency
    by_primary: list[Decimal]
    score: Decimal
    unscored: int


@dataclass(frozen=True)
class Comparison:
    year: int
    primaries: list[tuple[str, str, Decimal]]  # short, full, points
    rows: list[ComparisonRow]


def comparison_for(officer: Officer, *, year: int, today: date) -> Comparison:
    """The totals per 一级指标 of every agency under ``officer``'s body (none for others),
    highest total first. Each agency's computed items are scored afresh."""
    ids = sorted(supervised_agency_ids(officer)) if supervisory_body_of(officer) else []
    agencies = list(Agency.objects.filter(pk__in=ids).order_by("name"))
    indicators = list(Indicator.objects.order_by("number"))
    entries = latest_scores([a.pk for a in agencies], year)
    points: dict[str, Decimal] = {}
    for indicator in indicators:
        points[indicator.primary] = points.get(indicator.primary, Decimal(0)) + indicator.points
    rows = []
    for agency in agencies:
        card = _build(agency, year, today, indicators, entries)
        rows.append(
            ComparisonRow(agency, [g.score for g in card.groups], card.score, card.unscored)
        )
    primaries = [(name.split("、", 1)[0], name, total) for name, total in points.items()]
    rows.sort(key=lambda r: (-r.score, r.agency.name))
    return Comparison(year, primaries, rows)
