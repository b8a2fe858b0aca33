"""统计年报指标 as rows: loaded from data/disclosure/annual_report.csv, edited in 管理后台 (each
edit a ledger event), read by the report; a reload keeps edits, a bad file loads nothing."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from sanxiang.disclosure.annual import annual_figures, definitions
from sanxiang.disclosure.annual_definitions import (
    COMPUTED_KEYS,
    DEFINITIONS_FILE,
    DefinitionsFileError,
    annual_definitions,
    annual_definitions_load,
)
from sanxiang.disclosure.annual_files import report_xlsx
from sanxiang.disclosure.models import AnnualFigureDefinition
from sanxiang.ledger.models import LedgerEntry

TYPE = "disclosure.annualfiguredefinition"


def shipped_lines() -> list[str]:
    return DEFINITIONS_FILE.read_text(encoding="utf-8").splitlines()


def write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "annual_report.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_fresh_database_holds_the_figures_of_the_shipped_file_in_its_order(db):
    assert annual_definitions() == definitions()
    assert set(definitions()) == COMPUTED_KEYS


def test_the_report_shows_every_row_and_the_code_computes_every_row(agency):
    figures = annual_figures(agency=agency, year=2025, today=date(2026, 1, 20))
    assert [f.key for f in figures.figures] == list(annual_definitions())
    shipped = definitions()
    assert all(
        (f.label, f.definition, f.source) == (d.label, d.definition, d.source)
        for f, d in zip(figures.figures, shipped.values(), strict=True)
    )


def test_loading_the_shipped_file_twice_changes_nothing(db):
    events = LedgerEntry.objects.count()
    for _ in range(2):
        report = annual_definitions_load()
        assert (report.added, report.differing, report.replaced) == ([], {}, [])
        assert report.unchanged == len(COMPUTED_KEYS)
    assert LedgerEntry.objects.count() == events


def test_a_missing_figure_is_added_from_the_file_with_a_ledger_event(db):
    AnnualFigureDefinition.objects.filter(key="hearings_held").delete()
    report = annual_definitions_load()
    assert report.added == ["hearings_held"]
    assert annual_definitions() == definitions()
    row = AnnualFigureDefinition.objects.get(key="hearings_held")
    event = LedgerEntry.objects.get(object_type=TYPE, object_id=str(row.pk))
    assert event.action == f"{TYPE}.created" and event.actor == "system"


def test_an_admin_edit_of_a_definition_changes_the_report_and_leaves_a_ledger_event(
    client, django_user_model, agency
):
    admin = django_user_model.objects.create_superuser("root", password="x" * 12)
    client.force_login(admin)
    row = AnnualFigureDefinition.objects.get(key="acts_penalty")
    form = {
        "position": row.position,
        "section": row.section,
        "label": "行政处罚决定书",
        "unit": row.unit,
        "definition": "按决定书落款日期计",
        "source": row.source,
    }
    change = reverse("admin:disclosure_annualfiguredefinition_change", args=[row.pk])
    assert client.post(change, form).status_code == 302

    event = LedgerEntry.objects.get(object_type=TYPE, object_id=str(row.pk))
    assert event.action == f"{TYPE}.changed" and event.actor != "system"
    figures = annual_figures(agency=agency, year=2025, today=date(2026, 1, 20))
    shown = next(f for f in figures.figures if f.key == "acts_penalty")
    assert (shown.label, shown.definition) == ("行政处罚决定书", "按决定书落款日期计")
    acts = next(c for c in figures.charts if c.key == "acts")
    assert acts.bars[0].label == "行政处罚决定书"
    sheet = load_workbook(io.BytesIO(report_xlsx(figures))).active
    assert sheet is not None
    cells = {str(c.value) for row in sheet.iter_rows() for c in row}
    assert {"行政处罚决定书", "按决定书落款日期计"} <= cells
    # Figures cannot be added or deleted: the code computes one value per key.
    assert client.get(reverse("admin:disclosure_annualfiguredefinition_add")).status_code == 403
    delete = reverse("admin:disclosure_annualfiguredefinition_delete", args=[row.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AnnualFigureDefinition.objects.filter(pk=row.pk).exists()


def test_a_reload_keeps_an_edited_row_and_names_it_until_told_to_replace(db):
    AnnualFigureDefinition.objects.filter(key="withdrawals").update(label="撤下公示（次）")
    events = LedgerEntry.objects.count()
    out = io.StringIO()
    call_command("report", "definitions", stdout=out)
    assert "withdrawals：指标在管理后台改过，与文件不同，未覆盖" in out.getvalue()
    assert "--replace" in out.getvalue()
    assert AnnualFigureDefinition.objects.get(key="withdrawals").label == "撤下公示（次）"
    assert LedgerEntry.objects.count() == events

    call_command("report", "definitions", "--replace", stdout=io.StringIO())
    row = AnnualFigureDefinition.objects.get(key="withdrawals")
    assert row.label == definitions()["withdrawals"].label
    event = LedgerEntry.objects.get(object_type=TYPE, object_id=str(row.pk))
    assert event.action == f"{TYPE}.changed"


def test_a_bad_file_is_refused_whole_with_its_row_numbers(db, tmp_path):
    AnnualFigureDefinition.objects.all().delete()
    lines = shipped_lines()
    lines[2] = lines[2].replace("acts_coercive,", "acts_coercion,", 1)  # row 3: unknown key
    header, *rows = lines
    cells = rows[3].split(",")
    cells[2] = ""  # row 5: no label
    rows[3] = ",".join(cells)
    rows[5] = rows[0]  # row 7: acts_penalty again
    path = write(tmp_path, [header, *rows])

    with pytest.raises(DefinitionsFileError) as refused:
        annual_definitions_load(path=path)
    problems = refused.value.problems
    assert any(p.startswith("第3行：代码“acts_coercion”") for p in problems)
    assert "第5行：指标不能为空。" in problems
    assert "第7行：代码“acts_penalty”与第2行重复。" in problems
    assert any("缺少指标" in p and "acts_coercive" in p for p in problems)
    assert not AnnualFigureDefinition.objects.exists()
    assert not LedgerEntry.objects.filter(object_type=TYPE).exists()

    with pytest.raises(CommandError, match="未载入任何数据") as failed:
        call_command("report", "definitions", "--file", str(path))
    assert "第5行" in str(failed.value)
    assert not AnnualFigureDefinition.objects.exists()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("key,label\nacts_penalty,行政处罚决定\n".encode(), "第1行（表头）：缺少列 section、unit"),
        ("key,section,label,unit,definition,source\n".encode("gb18030") + "甲".encode("gb18030"),
         "不是 UTF-8 编码"),
        (b"key,section,label,unit,definition,source\nacts_penalty,a,b,c,d,e,f\n",
         "第2行：列数多于表头"),
    ],
)  # fmt: skip
def test_a_file_of_the_wrong_shape_is_refused_in_chinese(db, tmp_path, content, problem):
    path = tmp_path / "annual_report.csv"
    path.write_bytes(content)
    with pytest.raises(DefinitionsFileError, match=problem):
        annual_definitions_load(path=path)
    assert AnnualFigureDefinition.objects.count() == len(COMPUTED_KEYS)
