"""Reads of the 三项制度工作指标体系 scorecard: one agency's items for a year, each with its
points, its score and (for computed items) the figures behind it; totals per 一级指标; and the
comparison of the agencies under a supervising body.

An item's score is the newest ``IndicatorScore`` a 监督人员 entered for it (a manual score, or
an override of a computed figure, always with a reason); otherwise, for ``attest`` items, the
score with which a 监督人员 confirmed the agency's newest ``Attestation`` (none while it waits:
待确认); otherwise, for ``auto:`` items, what its scorer computes (``supervision.scorers``;
items (43)–(44) in ``scorers_reporting``, (85)–(170) in ``scorers_review``); otherwise none
(待评).

An item a 监督人员 marked not applicable to the agency for the year (``Applicability``) counts
neither its points nor any score: the total is the raw sum over the applicable items, and
``Scorecard.scaled`` is that sum out of 100 (raw ÷ applicable points × 100, one decimal, half
up) — the figure that compares agencies with different numbers of applicable items.

Who reads: the 监督人员 of a body whose area includes the agency, and the agency's own
负责人 (its own scorecard, read-only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet

from sanxiang.org.models import Agency, Officer, Role
from sanxiang.org.selectors import supervised_agency_ids, supervisory_body_of

# Scorers kept in their own modules join SCORERS when imported: items (43)–(44) and (85)–(170)
# here; those of 公示 and 全过程记录 (scorers_publicity) from SupervisionConfig.ready.
from sanxiang.supervision import scorers_reporting, scorers_review  # noqa: F401
from sanxiang.supervision.models import (
    Applicability,
    Attestation,
    AttestationOutcome,
    AttestationReview,
    Indicator,
    IndicatorScore,
)
from sanxiang.supervision.scorers import SCORERS, Computed

METHODS = {
    "computed": "平台计分",
    "attested": "材料佐证",
    "manual": "监督人员评分",
    "not_applicable": "不适用",
}


@dataclass
class Item:
    indicator: Indicator
    computed: Computed | None = None
    entry: IndicatorScore | None = None
    attestation: Attestation | None = None
    mark: Applicability | None = None  # the newest applicability mark, if any

    @property
    def applicable(self) -> bool:
        return self.mark is None or self.mark.applicable

    @property
    def computed_score(self) -> Decimal | None:
        return None if self.computed is None else self.computed.score(self.indicator.points)

    @property
    def review(self) -> AttestationReview | None:
        found: AttestationReview | None = getattr(self.attestation, "review", None)
        return found

    @property
    def attested_score(self) -> Decimal | None:
        review = self.review
        if review is None or review.outcome != AttestationOutcome.CONFIRMED:
            return None
        return review.score

    @property
    def score(self) -> Decimal | None:
        """What the item counts (None: nothing yet, or not applicable)."""
        if not self.applicable:
            return None
        if self.indicator.attested:
            # A score entered while the item was still ``manual`` (before an installation's
            # table reloaded it as ``attest``) counts until a review answers the attestation.
            review = self.review
            if review is not None and (
                self.entry is None or review.reviewed_at >= self.entry.scored_at
            ):
                return self.attested_score
            return None if self.entry is None else self.entry.score
        if self.entry is not None:
            return self.entry.score
        return self.computed_score

    @property
    def method_key(self) -> str:
        """computed / attested / manual / not_applicable."""
        if not self.applicable:
            return "not_applicable"
        if self.indicator.attested:
            return "attested"
        key = self.indicator.auto_key
        return "manual" if key is None else "computed"

    @property
    def method(self) -> str:
        return METHODS[self.method_key]

    @property
    def status(self) -> str:
        """The score as the pages show it: the figure, 不适用, 待确认, 待提交 or 待评."""
        if not self.applicable:
            return "不适用"
        score = self.score
        if score is not None:
            return str(score)
        if self.indicator.attested:
            return "待确认" if self.attestation is not None and self.review is None else "待提交"
        return "待评"

    @property
    def basis(self) -> str:
        """The short reason behind the score (the export's and the list's 依据)."""
        if not self.applicable and self.mark is not None:
            return f"不适用：{self.mark.reason}"
        if self.entry is not None:
            return self.entry.note
        if self.indicator.attested:
            if self.attestation is None:
                return ""
            review = self.review
            said = f"材料：{self.attestation.document_name}。{self.attestation.statement}"
            if review is None:
                return said
            verdict = review.get_outcome_display()
            return f"{said}（{verdict}{'：' + review.reason if review.reason else ''}）"
        return self.computed.figures if self.computed is not None else ""

    @property
    def overridden(self) -> bool:
        return self.entry is not None and self.indicator.auto_key is not None


def _scaled(score: Decimal, points: Decimal) -> Decimal | None:
    if points <= 0:
        return None
    return (score * 100 / points).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Group:
    primary: str
    items: list[Item] = field(default_factory=list)

    @property
    def points(self) -> Decimal:
        """All the items' points (as the table sets them)."""
        return sum((i.indicator.points for i in self.items), Decimal(0))

    @property
    def applicable_points(self) -> Decimal:
        return sum((i.indicator.points for i in self.items if i.applicable), Decimal(0))

    @property
    def score(self) -> Decimal:
        return sum((i.score for i in self.items if i.score is not None), Decimal("0.0"))

    @property
    def short(self) -> str:
        """一、二 … (the comparison's column heads)."""
        return self.primary.split("、", 1)[0]

    @property
    def unscored(self) -> int:
        """Applicable items without a score (待评, 待提交, 待确认)."""
        return sum(1 for i in self.items if i.applicable and i.score is None)

    @property
    def not_applicable(self) -> int:
        return sum(1 for i in self.items if not i.applicable)


@dataclass
class Scorecard:
    agency: Agency
    year: int
    groups: list[Group]

    @property
    def points(self) -> Decimal:
        return sum((g.points for g in self.groups), Decimal(0))

    @property
    def applicable_points(self) -> Decimal:
        return sum((g.applicable_points for g in self.groups), Decimal(0))

    @property
    def score(self) -> Decimal:
        """The raw total: the scores of the applicable items."""
        return sum((g.score for g in self.groups), Decimal("0.0"))

    @property
    def scaled(self) -> Decimal | None:
        """The raw total out of 100: raw ÷ applicable points × 100 (None if none applies)."""
        return _scaled(self.score, self.applicable_points)

    @property
    def unscored(self) -> int:
        return sum(g.unscored for g in self.groups)

    @property
    def not_applicable(self) -> int:
        return sum(g.not_applicable for g in self.groups)

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


def latest_attestations(agency_ids: list[int], year: int) -> dict[tuple[int, int], Attestation]:
    """The newest filing per (agency, indicator) for the year, with its review if any."""
    found: dict[tuple[int, int], Attestation] = {}
    rows = (
        Attestation.objects.filter(agency_id__in=agency_ids, year=year)
        .select_related("review")
        .order_by("filed_at", "pk")
    )
    for row in rows:
        found[(row.agency_id, row.indicator_id)] = row
    return found


def latest_marks(agency_ids: list[int], year: int) -> dict[tuple[int, int], Applicability]:
    """The newest applicability mark per (agency, indicator) for the year."""
    found: dict[tuple[int, int], Applicability] = {}
    rows = Applicability.objects.filter(agency_id__in=agency_ids, year=year).order_by(
        "marked_at", "pk"
    )
    for row in rows:
        found[(row.agency_id, row.indicator_id)] = row
    return found


@dataclass(frozen=True)
class Entries:
    """What people entered for a set of agencies and a year."""

    scores: dict[tuple[int, int], IndicatorScore]
    attestations: dict[tuple[int, int], Attestation]
    marks: dict[tuple[int, int], Applicability]

    @classmethod
    def of(cls, agency_ids: list[int], year: int) -> Entries:
        return cls(
            latest_scores(agency_ids, year),
            latest_attestations(agency_ids, year),
            latest_marks(agency_ids, year),
        )


def _build(
    agency: Agency,
    year: int,
    today: date,
    indicators: list[Indicator],
    entries: Entries,
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
        at = (agency.pk, indicator.pk)
        item = Item(
            indicator,
            result,
            entries.scores.get(at),
            entries.attestations.get(at),
            entries.marks.get(at),
        )
        groups.setdefault(indicator.primary, Group(indicator.primary)).items.append(item)
    return Scorecard(agency, year, list(groups.values()))


def scorecard_of(agency: Agency, *, year: int, today: date) -> Scorecard:
    """Every item of ``agency``'s scorecard for ``year`` (the caller checked the reader)."""
    indicators = list(Indicator.objects.order_by("number"))
    return _build(agency, year, today, indicators, Entries.of([agency.pk], year))


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


def attestations_of(agency_id: int, year: int, indicator: Indicator) -> QuerySet[Attestation]:
    """Every filing for the item, newest first, with who filed and how it was answered."""
    return (
        Attestation.objects.filter(agency_id=agency_id, year=year, indicator=indicator)
        .select_related("filed_by", "review", "review__reviewed_by", "document")
        .order_by("-filed_at", "-pk")
    )


def marks_of(agency_id: int, year: int, indicator: Indicator) -> QuerySet[Applicability]:
    return (
        Applicability.objects.filter(agency_id=agency_id, year=year, indicator=indicator)
        .select_related("marked_by")
        .order_by("-marked_at", "-pk")
    )


@dataclass(frozen=True)
class ComparisonRow:
    agency: Agency
    by_primary: list[Decimal]
    score: Decimal
    unscored: int
    applicable_points: Decimal
    scaled: Decimal | None


@dataclass(frozen=True)
class Comparison:
    year: int
    primaries: list[tuple[str, str, Decimal]]  # short, full, points
    rows: list[ComparisonRow]


def comparison_for(officer: Officer, *, year: int, today: date) -> Comparison:
    """The totals per 一级指标 of every agency under ``officer``'s body (none for others),
    highest total out of 100 first. Each agency's computed items are scored afresh."""
    ids = sorted(supervised_agency_ids(officer)) if supervisory_body_of(officer) else []
    agencies = list(Agency.objects.filter(pk__in=ids).order_by("name"))
    indicators = list(Indicator.objects.order_by("number"))
    entries = Entries.of([a.pk for a in agencies], year)
    points: dict[str, Decimal] = {}
    for indicator in indicators:
        points[indicator.primary] = points.get(indicator.primary, Decimal(0)) + indicator.points
    rows = []
    for agency in agencies:
        card = _build(agency, year, today, indicators, entries)
        rows.append(
            ComparisonRow(
                agency,
                [g.score for g in card.groups],
                card.score,
                card.unscored,
                card.applicable_points,
                card.scaled,
            )
        )
    primaries = [(name.split("、", 1)[0], name, total) for name, total in points.items()]
    rows.sort(key=lambda r: (-(r.scaled or Decimal(0)), -r.score, r.agency.name))
    return Comparison(year, primaries, rows)
