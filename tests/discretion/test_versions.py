"""Versions: publishing puts a version in force with a ledger event; the next one supersedes
it (also an event), the old one stays readable for the days it was in force; a published
version cannot change."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from sanxiang.discretion.events import benchmark_content
from sanxiang.discretion.models import BenchmarkStatus, FrozenVersion
from sanxiang.discretion.selectors import benchmark_in_force, tier_for, violation_search
from sanxiang.discretion.services import DiscretionRefused, benchmark_import, benchmark_publish
from sanxiang.ledger.events import content_digest
from sanxiang.ledger.models import LedgerEntry
from tests.discretion.conftest import changed, row_of


def test_a_new_version_supersedes_the_old_one_with_a_ledger_event(agency, published, head):
    assert published.status == BenchmarkStatus.IN_FORCE
    entry = LedgerEntry.objects.get(action="discretion.benchmark.published")
    assert entry.content_sha256 == published.content_sha256
    assert entry.content_sha256 == content_digest(benchmark_content(published))
    content = changed(2, 施行日期="2026-07-01", 文号="示城执法〔2026〕9号")
    draft = benchmark_import(agency=agency, filename="v2.csv", content=content, officer=head)
    assert draft.number == 2
    assert benchmark_in_force(agency, on=date(2026, 6, 10)) == published  # draft changes nothing
    second = benchmark_publish(benchmark_id=draft.pk, officer=head)
    published.refresh_from_db()
    assert published.status == BenchmarkStatus.SUPERSEDED
    assert published.valid_to == date(2026, 6, 30)
    superseded = LedgerEntry.objects.get(action="discretion.benchmark.superseded")
    assert superseded.object_id == str(published.pk)
    assert superseded.content_sha256 == published.content_sha256
    # The old version is still readable for the days it was in force.
    assert benchmark_in_force(agency, on=date(2026, 6, 30)) == published
    assert benchmark_in_force(agency, on=date(2026, 7, 1)) == second
    assert published.violations.count() == 2


def test_a_published_version_cannot_change(published):
    tier = published.violations.first().tiers.first()
    tier.fine_max = Decimal("99")
    with pytest.raises(FrozenVersion, match="已发布"):
        tier.save()
    with pytest.raises(DiscretionRefused, match="已经发布过"):
        benchmark_publish(benchmark_id=published.pk)


def test_a_version_may_not_start_before_the_one_in_force(agency, published):
    draft = benchmark_import(
        agency=agency, filename="v2.csv", content=changed(2, 施行日期="2025-12-01")
    )
    with pytest.raises(DiscretionRefused, match="应晚于现行版本的施行日期"):
        benchmark_publish(benchmark_id=draft.pk)
    draft.refresh_from_db()
    assert draft.status == BenchmarkStatus.DRAFT


def test_only_legal_staff_and_the_head_import_and_only_the_head_publishes(
    agency, items, drafter, patrol, head
):
    from tests.discretion.conftest import SAMPLE

    with pytest.raises(DiscretionRefused, match="法制机构"):
        benchmark_import(
            agency=agency, filename="a.csv", content=SAMPLE.read_bytes(), officer=patrol
        )
    draft = benchmark_import(
        agency=agency, filename="a.csv", content=SAMPLE.read_bytes(), officer=drafter
    )
    with pytest.raises(DiscretionRefused, match="负责人"):
        benchmark_publish(benchmark_id=draft.pk, officer=drafter)
    assert benchmark_publish(benchmark_id=draft.pk, officer=head).status == BenchmarkStatus.IN_FORCE


def test_violations_are_found_by_name_keyword_item_and_article(agency, published):
    def codes(q: str) -> list[str]:
        return [v.code for v in violation_search(agency, q)]

    assert codes("户外广告") == ["SR-002"]
    assert codes("占道堆物") == ["SR-001"]
    assert codes("第十四条") == ["SR-001"]
    assert codes("市容和环境卫生管理条例第36条") == ["SR-001", "SR-002"]
    assert codes("第三十八条") == []
    assert violation_search(agency, "广告", on=date(2025, 1, 1)) == []


def test_the_tier_of_an_amount(published):
    violation = published.violations.get(code="SR-001")
    found = tier_for(violation, fine=Decimal("2000"))
    assert found is not None and found.name == "一般处罚"
    assert tier_for(violation, fine=Decimal("9000")) is None


def test_row_helper_points_at_the_tier(agency):
    assert row_of("从重处罚") > row_of("从轻处罚")
