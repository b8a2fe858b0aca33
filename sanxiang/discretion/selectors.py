"""Reads of 裁量基准: the version in force on a day, the 违法行为 search the case's picker will
use, the tier an amount falls in, and the ``*_public`` reads of the portal and the API."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from sanxiang.core.params import MAX_ID
from sanxiang.discretion.models import (
    Benchmark,
    BenchmarkStatus,
    Circumstance,
    CircumstanceKind,
    Tier,
    Violation,
)
from sanxiang.org.laws import chinese_number
from sanxiang.org.models import Agency

_PUBLISHED = (BenchmarkStatus.IN_FORCE, BenchmarkStatus.SUPERSEDED)
_ARTICLE = re.compile(r"第([零一二两三四五六七八九十百千]+|[0-9]+)条")


def _in_force_on(on: date) -> Q:
    return Q(status__in=_PUBLISHED, valid_from__lte=on) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )


def benchmark_in_force(agency: Agency | int, *, on: date | None = None) -> Benchmark | None:
    """The published version of ``agency``'s 裁量基准 in force on ``on`` (today by default)."""
    agency_id = agency if isinstance(agency, int) else agency.pk
    if not 1 <= agency_id <= MAX_ID:  # an id from a URL that no row can have
        return None
    return (
        Benchmark.objects.filter(_in_force_on(on or timezone.localdate()), agency_id=agency_id)
        .order_by("-valid_from", "-number")
        .first()
    )


def _violations() -> QuerySet[Violation]:
    return Violation.objects.select_related("item").prefetch_related(
        "violated_articles__law",
        "penalty_articles__law",
        Prefetch("tiers", queryset=Tier.objects.order_by("position", "pk")),
    )


def violation_search(
    agency: Agency | int, q: str, *, on: date | None = None, limit: int = 20
) -> list[Violation]:
    """违法行为 of the version in force matching ``q`` by name, keyword, 执法事项 or article
    (``第三十六条``, ``市容…第36条`` or the law's title), in the benchmark's order."""
    benchmark = benchmark_in_force(agency, on=on)
    if benchmark is None:
        return []
    found = _violations().filter(benchmark=benchmark)
    for word in q.split()[:5]:
        word = word[:50]
        match = (
            Q(name__icontains=word)
            | Q(keywords__icontains=word)
            | Q(code__iexact=word)
            | Q(item__name__icontains=word)
            | Q(violated_articles__law__title__icontains=word.strip("《》"))
            | Q(penalty_articles__law__title__icontains=word.strip("《》"))
        )
        article = _ARTICLE.search(word)
        if article:
            raw = article.group(1)
            number = int(raw) if raw.isdigit() else chinese_number(raw)
            title = word[: article.start()].strip("《》 ")
            by_number = Q(violated_articles__number=number) | Q(penalty_articles__number=number)
            if title:
                by_number &= Q(violated_articles__law__title__icontains=title) | Q(
                    penalty_articles__law__title__icontains=title
                )
            match = by_number
        found = found.filter(match)
    return list(found.distinct().order_by("position", "pk")[:limit])


def tier_for(violation: Violation, *, fine: Decimal) -> Tier | None:
    """The tier of ``violation`` whose fixed-amount range holds ``fine``; on a bound two tiers
    share, the first in the benchmark's order (the lighter one, as files list them)."""
    for tier in violation.tiers.all():
        if tier.contains_fine(fine):
            return tier
    return None


def tier_kind_of_fine(violation_id: int, *, fine: Decimal) -> str:
    """The kind of ``tier_for``'s tier, in one small query (the similar-case key of a draft)."""
    for tier in Tier.objects.filter(violation_id=violation_id).order_by("position", "pk"):
        if tier.contains_fine(fine):
            return str(tier.kind)
    return ""


# ---------------------------------------------------------------------------------------------
# Public reads (portal, API)


@dataclass(frozen=True)
class BenchmarkContents:
    benchmark: Benchmark
    agency: Agency
    violations: list[Violation]
    circumstances: list[Circumstance]


def benchmarks_public(*, on: date | None = None) -> list[Benchmark]:
    """Each agency's version in force today (agencies without one are left out)."""
    day = on or timezone.localdate()
    found: dict[int, Benchmark] = {}
    for benchmark in (
        Benchmark.objects.filter(_in_force_on(day))
        .select_related("agency")
        .order_by("agency__name", "-valid_from", "-number")
    ):
        found.setdefault(benchmark.agency_id, benchmark)
    return list(found.values())


def benchmark_contents(benchmark: Benchmark) -> BenchmarkContents:
    """A version with its 违法行为 (articles and tiers loaded) and 情节, in the file's order."""
    return BenchmarkContents(
        benchmark=benchmark,
        agency=Agency.objects.get(pk=benchmark.agency_id),
        violations=list(_violations().filter(benchmark=benchmark).order_by("position", "pk")),
        circumstances=list(
            Circumstance.objects.filter(benchmark=benchmark)
            .select_related("violation")
            .prefetch_related("articles__law")
            .order_by("position", "pk")
        ),
    )


def benchmark_public(agency_id: int, *, on: date | None = None) -> BenchmarkContents | None:
    """The agency's version in force today with its contents; None when it has none."""
    benchmark = benchmark_in_force(agency_id, on=on)
    return benchmark_contents(benchmark) if benchmark is not None else None


# ---------------------------------------------------------------------------------------------
# In a case (cases reads these: the 违法行为 a case chose, and what the benchmark says of a fine)


def violation_in_force(
    agency: Agency | int, violation_id: object, *, on: date | None = None
) -> Violation | None:
    """The 违法行为 ``violation_id`` if it belongs to the agency's version in force."""
    benchmark = benchmark_in_force(agency, on=on)
    try:
        pk = int(str(violation_id))
    except ValueError:
        return None
    if benchmark is None or not 0 < pk <= MAX_ID:
        return None
    return _violations().filter(benchmark=benchmark, pk=pk).first()


def violation_with_tiers(violation_id: int) -> Violation | None:
    """A 违法行为 with its benchmark, articles and tiers (the one a case chose)."""
    return _violations().select_related("benchmark").filter(pk=violation_id).first()


@dataclass(frozen=True)
class FineCheck:
    """What the 违法行为's statutory range and tiers say of a proposed fine."""

    tier: Tier | None
    problems: list[str]  # 中文, each needing the handlers' written reasons

    @property
    def ok(self) -> bool:
        return not self.problems


def _yuan(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def fine_check(violation: Violation, fine: Decimal | None) -> FineCheck:
    """A fine against the 法定幅度 and the tiers of fixed amounts. Ranges in multiples of 违法所得
    or 货值 need amounts the case does not record, so they are left to the reviewer."""
    if fine is None:
        return FineCheck(None, [])
    problems = []
    if violation.fine_min is not None and fine < violation.fine_min:
        problems.append(
            f"拟罚款 {_yuan(fine)} 元低于法定罚款下限 {_yuan(violation.fine_min)} 元："
            "减轻处罚须有行政处罚法第三十二条规定的情形，并书面说明理由"
        )
    if violation.fine_max is not None and fine > violation.fine_max:
        problems.append(f"拟罚款 {_yuan(fine)} 元超过法定罚款上限 {_yuan(violation.fine_max)} 元")
    tier = tier_for(violation, fine=fine)
    fixed = [t for t in violation.tiers.all() if t.fine_min is not None or t.fine_max is not None]
    if tier is None and fixed:
        problems.append(f"拟罚款 {_yuan(fine)} 元不在裁量基准的任何阶次内，须书面说明理由")
    return FineCheck(tier, problems)


def circumstances_for(violation: Violation) -> list[Circumstance]:
    """The 情节 a case of ``violation`` may record: those of its version named for it or for
    every 违法行为, in the benchmark's order (首违不罚, 轻微不罚, 从轻减轻, 从重)."""
    found = (
        Circumstance.objects.filter(benchmark_id=violation.benchmark_id)
        .filter(Q(violation__isnull=True) | Q(violation_id=violation.pk))
        .prefetch_related("articles__law")
        .order_by("position", "pk")
    )
    return sorted(found, key=lambda c: KIND_ORDER.index(c.kind))


# 不罚 lists first, then 从轻减轻, then 从重 (第三十三条, 第三十二条, the agency's own).
KIND_ORDER: list[str] = [
    CircumstanceKind.FIRST_OFFENCE.value,
    CircumstanceKind.MINOR.value,
    CircumstanceKind.MITIGATING.value,
    CircumstanceKind.AGGRAVATING.value,
]
