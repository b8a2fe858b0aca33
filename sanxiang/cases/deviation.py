"""裁量偏离 figures: the share of decisions whose fine is outside the chosen 违法行为's tiers, by
执法主体, 内设机构 and 承办人, for a period of decision dates.

They read the ``DecisionDiscretion`` rows the decision steps wrote (``RecordDiscretion``), so a
figure says what the benchmark in force said when the case was decided. Every 行政处罚决定 (the
``decide`` and ``decide_on_spot`` steps) counts in the denominator; one without a chosen 违法行为
is 未选用裁量基准, never inside. So does every 不予行政处罚决定 under 第三十三条 (the ``no_penalty``
step): inside when its recorded 情节 make the 不予处罚 tier applicable, outside when they do not
(违法事实不能成立 is no discretion and is not recorded). The 法制审核 queue and the 监督驾驶舱 show
both together, with the 不予处罚 ones also apart; the 统计年报 keeps its 行政处罚决定 figures as
published before and shows the 不予处罚 ones in rows of their own (each reads this function).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count

from sanxiang.cases.models import DecisionDiscretion, DiscretionOutcome
from sanxiang.org.models import Agency, Officer, Unit

OFFICERS_SHOWN = 30


@dataclass
class DeviationRow:
    key: int
    name: str
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def decisions(self) -> int:
        return sum(self.counts.values())

    @property
    def within(self) -> int:
        return self.counts[DiscretionOutcome.WITHIN]

    @property
    def outside(self) -> int:
        return self.counts[DiscretionOutcome.OUTSIDE]

    @property
    def unchecked(self) -> int:
        return self.counts[DiscretionOutcome.UNCHECKED]

    @property
    def not_chosen(self) -> int:
        return self.counts[DiscretionOutcome.NOT_CHOSEN]

    @property
    def outside_rate(self) -> float | None:
        return self.outside / self.decisions if self.decisions else None

    @property
    def not_chosen_rate(self) -> float | None:
        return self.not_chosen / self.decisions if self.decisions else None

    @property
    def outside_share(self) -> str:
        return share(self.outside, self.decisions)

    @property
    def not_chosen_share(self) -> str:
        return share(self.not_chosen, self.decisions)


def share(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "—"


@dataclass
class Deviation:
    first: date
    last: date
    total: DeviationRow
    by_agency: list[DeviationRow]
    by_unit: list[DeviationRow]
    by_officer: list[DeviationRow]  # the handlers, most decisions outside first
    no_penalty: int = 0  # 不予行政处罚决定 among ``total``
    no_penalty_outside: int = 0  # … of which the 情节 did not make 不予处罚 applicable

    def tables(self) -> list[tuple[str, str, list[DeviationRow]]]:
        """(title, first column, rows) of the tables a page shows."""
        tables = []
        if len(self.by_agency) > 1:
            tables.append(("按执法主体", "执法主体", self.by_agency))
        tables.append(("按内设机构", "内设机构", self.by_unit))
        tables.append(("按承办人", "承办人", self.by_officer))
        return tables


def _rows(
    grouped: Iterable[dict[str, object]], column: str, names: dict[int, str]
) -> list[DeviationRow]:
    rows: dict[int, DeviationRow] = {}
    for entry in grouped:
        key = entry[column]
        if not isinstance(key, int):
            continue
        row = rows.setdefault(key, DeviationRow(key, names.get(key, str(key))))
        row.counts[str(entry["outcome"])] += int(str(entry["n"]))
    return list(rows.values())


def deviation_figures(
    *, agency_ids: Iterable[int], first: date, last: date, no_penalty: bool | None = None
) -> Deviation:
    """The figures of the decisions of ``agency_ids`` decided from ``first`` to ``last``: all of
    them, or only the 行政处罚决定 (``no_penalty=False``) or the 不予处罚 ones (``True``)."""
    scope = sorted(set(agency_ids))
    records = DecisionDiscretion.objects.filter(
        agency_id__in=scope, decided_on__range=(first, last)
    ).order_by()
    if no_penalty is not None:
        records = records.filter(no_penalty=no_penalty)
    total = DeviationRow(0, "合计")
    excused = excused_outside = 0
    for outcome, is_no_penalty, n in records.values_list("outcome", "no_penalty").annotate(
        n=Count("pk")
    ):
        total.counts[outcome] += n
        if is_no_penalty:
            excused += n
            excused_outside += n if outcome == DiscretionOutcome.OUTSIDE else 0
    agencies = dict(Agency.objects.filter(pk__in=scope).values_list("pk", "name"))
    by_agency = _rows(
        records.values("agency_id", "outcome").annotate(n=Count("pk")), "agency_id", agencies
    )
    units = {
        pk: (f"{agency} · {name}" if len(scope) > 1 else name)
        for pk, name, agency in Unit.objects.filter(agency_id__in=scope).values_list(
            "pk", "name", "agency__name"
        )
    }
    by_unit = _rows(records.values("unit_id", "outcome").annotate(n=Count("pk")), "unit_id", units)
    handled = list(records.values("case__handlers", "outcome").annotate(n=Count("pk")).order_by())
    officer_ids = sorted({e["case__handlers"] for e in handled if e["case__handlers"]})
    officers = dict(Officer.objects.filter(pk__in=officer_ids).values_list("pk", "name"))
    by_officer = _rows(handled, "case__handlers", officers)
    by_officer.sort(key=lambda r: (-r.outside, -r.decisions, r.name))
    return Deviation(
        first=first,
        last=last,
        total=total,
        by_agency=sorted(by_agency, key=lambda r: r.name),
        by_unit=sorted(by_unit, key=lambda r: r.name),
        by_officer=by_officer[:OFFICERS_SHOWN],
        no_penalty=excused,
        no_penalty_outside=excused_outside,
    )
