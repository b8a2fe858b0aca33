"""Importing a 裁量基准 file: the sample loads; every kind of bad row is refused with its
Chinese message, and a refused file stores nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sanxiang.discretion.models import Benchmark, BenchmarkStatus, Circumstance, Tier, TierKind
from sanxiang.discretion.services import benchmark_import
from sanxiang.ledger.models import LedgerEntry
from sanxiang.org.importing import ImportFileError, ImportRejected
from tests.discretion.conftest import SAMPLE, as_csv, changed, row_of, sample_rows


def _refused(agency, content: bytes, filename: str = "基准.csv") -> list[tuple[int, str, str]]:
    entries = LedgerEntry.objects.count()
    with pytest.raises(ImportRejected) as caught:
        benchmark_import(agency=agency, filename=filename, content=content)
    assert "未导入任何数据" in caught.value.message
    assert not Benchmark.objects.exists()
    assert not Tier.objects.exists() and not Circumstance.objects.exists()
    assert LedgerEntry.objects.count() == entries
    return [(e.row, e.column, e.message) for e in caught.value.errors]


def test_the_sample_file_imports_as_a_draft_with_its_violations_tiers_and_circumstances(
    agency, items, laws
):
    draft = benchmark_import(agency=agency, filename=SAMPLE.name, content=SAMPLE.read_bytes())
    assert draft.status == BenchmarkStatus.DRAFT and draft.number == 1
    assert draft.issuer == "示范市城市管理综合行政执法局"
    first, _second = draft.violations.order_by("position")
    assert first.item == items["CG-CF-001"]
    assert list(first.penalty_articles.all()) == [laws[("城市市容和环境卫生管理条例", 36)]]
    assert list(first.violated_articles.all()) == [laws[("城市市容和环境卫生管理条例", 14)]]
    assert [t.kind for t in first.tiers.all()] == [
        TierKind.NO_PENALTY,
        TierKind.LIGHTER,
        TierKind.ORDINARY,
        TierKind.HEAVIER,
    ]
    assert first.tiers.get(kind=TierKind.HEAVIER).fine_max == Decimal("5000")
    kinds = set(draft.circumstances.values_list("kind", flat=True))
    assert kinds == {"first_offence", "minor", "mitigating", "aggravating"}
    first_offence = draft.circumstances.get(kind="first_offence")
    assert first_offence.violation == first
    assert list(first_offence.articles.all()) == [laws[("中华人民共和国行政处罚法", 33)]]
    entry = LedgerEntry.objects.get(action="discretion.benchmark.imported")
    assert entry.content_sha256 == draft.file_sha256


def test_overlapping_tiers_are_refused(agency, items):
    errors = _refused(agency, changed(row_of("一般处罚"), 罚款下限="1000"))
    assert any("重叠" in message and "从轻处罚" in message for _, _, message in errors)


def test_a_minimum_above_the_maximum_is_refused(agency, items):
    errors = _refused(agency, changed(row_of("从重处罚"), 罚款下限="6000", 罚款上限="5500"))
    row = row_of("从重处罚")
    assert (row, "罚款下限", "罚款下限（6000.00）高于上限（5500.00）。") in errors


def test_a_tier_outside_the_statutory_range_is_refused(agency, items):
    errors = _refused(agency, changed(row_of("从重处罚"), 罚款上限="8000"))
    message = "罚款幅度超出法定幅度（500 至 5000）：8000元高于法定上限。"
    assert (row_of("从重处罚"), "罚款上限", message) in errors


def test_only_a_mitigated_tier_may_go_below_the_statutory_minimum(agency, items):
    below = changed(row_of("从轻处罚"), 罚款下限="200")
    errors = _refused(agency, below)
    message = (
        "罚款幅度超出法定幅度（500 至 5000）：200元低于法定下限，"
        "只有减轻处罚的阶次可以低于法定下限。"
    )
    assert (row_of("从轻处罚"), "罚款下限", message) in errors
    mitigated = changed(row_of("从轻处罚"), 名称="减轻处罚", 罚款下限="200", 罚款上限="500")
    draft = benchmark_import(agency=agency, filename="基准.csv", content=mitigated)
    assert Tier.objects.filter(kind=TierKind.MITIGATED, violation__benchmark=draft).exists()


def test_an_article_not_in_the_law_library_is_refused(agency, items):
    errors = _refused(agency, changed(3, 处罚依据="《城市市容和环境卫生管理条例》第三十八条"))
    assert (3, "处罚依据", "法律法规库中没有《城市市容和环境卫生管理条例》第三十八条。") in errors
    errors = _refused(agency, changed(3, 违法依据="《某省市容条例》第五条"))
    assert (3, "违法依据", "法律法规库中没有《某省市容条例》第五条。") in errors


def test_an_unknown_enforcement_item_is_refused(agency, items):
    errors = _refused(agency, changed(3, 执法事项编码="CG-CF-999"))
    assert (3, "执法事项编码", "本单位没有编码为“CG-CF-999”的执法事项。") in errors


def test_a_tier_of_no_violation_and_a_violation_without_tiers_are_refused(agency, items):
    rows = [row for row in sample_rows() if not (row["类型"] == "阶次" and row["编号"] == "SR-002")]
    rows.append({**rows[-1], "类型": "阶次", "编号": "SR-404", "名称": "一般处罚", "条件": "x"})
    errors = _refused(agency, as_csv(rows))
    messages = [message for _, _, message in errors]
    assert "违法行为“SR-002”没有裁量阶次。" in messages
    assert any("没有编号为“SR-404”的违法行为" in message for message in messages)


def test_every_bad_row_is_listed_at_once(agency, items):
    rows = sample_rows()
    rows[1]["执法事项编码"] = "NOPE"
    rows[4]["罚款上限"] = "abc"
    errors = _refused(agency, as_csv(rows))
    assert {row for row, _, _ in errors} >= {3, 6}


def test_a_file_of_another_type_or_without_the_columns_is_refused(agency, items):
    with pytest.raises(ImportFileError, match="只支持"):
        benchmark_import(agency=agency, filename="基准.pdf", content=b"%PDF-1.4")
    with pytest.raises(ImportFileError, match="缺少以下列"):
        benchmark_import(agency=agency, filename="基准.csv", content="类型,编号\n".encode())
    assert not Benchmark.objects.exists()


def test_an_xlsx_file_imports_like_the_csv(agency, items):
    import io

    from openpyxl import Workbook

    rows = sample_rows()
    book = Workbook()
    sheet = book.active
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    buffer = io.BytesIO()
    book.save(buffer)
    draft = benchmark_import(agency=agency, filename="基准.xlsx", content=buffer.getvalue())
    assert draft.violations.count() == 2
