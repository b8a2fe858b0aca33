"""从重 and 从轻减轻 情节 both recorded: the tier is 一般 unless the agency's benchmark file says
otherwise in its 基准 row (column 从重从轻并存), which is validated, published and applied."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sanxiang.cases.circumstances import case_discretion
from sanxiang.cases.services import case_transition, case_violation_choose
from sanxiang.discretion.events import benchmark_content
from sanxiang.discretion.models import Benchmark, TierKind
from sanxiang.discretion.services import benchmark_import, benchmark_publish
from sanxiang.org.importing import ImportRejected
from tests.cases.conftest import evidence_on_disk, ready_case
from tests.discretion.conftest import SAMPLE, as_csv, sample_rows
from tests.discretion.test_circumstances import AGGRAVATING, MITIGATING, sr, tick


@pytest.fixture(autouse=True)
def _evidence_store(settings, tmp_path):
    evidence_on_disk(settings, tmp_path)


def _with_rule(value: str) -> bytes:
    rows = sample_rows()
    for row in rows:
        row["从重从轻并存"] = value if row["类型"] == "基准" else ""
    return as_csv(rows)


def test_a_file_without_the_column_keeps_the_ordinary_rule_and_its_published_digest(agency, items):
    draft = benchmark_import(agency=agency, filename=SAMPLE.name, content=SAMPLE.read_bytes())
    assert draft.both_tier_kind == TierKind.ORDINARY
    # Versions published before the column existed keep the digest their ledger events hold.
    assert "both_tier_kind" not in benchmark_content(draft)


def test_an_unknown_value_in_the_column_is_refused_with_its_row(agency, items):
    with pytest.raises(ImportRejected) as caught:
        benchmark_import(agency=agency, filename="基准.csv", content=_with_rule("看情况"))
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, "从重从轻并存")]
    assert "应为“一般”“从轻”或“从重”" in caught.value.errors[0].message
    assert not Benchmark.objects.exists()


def test_the_agencys_own_rule_decides_the_tier_when_both_kinds_are_ticked(
    client, staff, agency, items
):
    draft = benchmark_import(agency=agency, filename="基准.csv", content=_with_rule("从重"))
    published = benchmark_publish(benchmark_id=draft.pk)
    assert published.both_tier_kind == TierKind.HEAVIER
    assert benchmark_content(published)["both_tier_kind"] == "heavier"
    opened = ready_case(staff)
    case_transition(actor=staff.head, case_id=opened.pk, action="register")
    case = case_violation_choose(actor=staff.zhang, case_id=opened.pk, violation_id=sr("SR-001").pk)
    tick(staff, case, MITIGATING, AGGRAVATING)
    found = case_discretion(case)
    assert found is not None and found.tier_kind == TierKind.HEAVIER
    assert found.tier is not None and found.tier.name == "从重处罚"
    # The published benchmark says which rule it follows.
    page = client.get(reverse("portal:discretion-agency", args=[agency.pk])).content.decode()
    assert "从重从轻情节并存时" in page and "适用从重处罚阶次" in page
