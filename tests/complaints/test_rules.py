"""Deadlines come from the rule rows (loaded from data/complaints/deadlines.csv), counted in
working days with the holiday calendar or in calendar days, as each row says."""

from __future__ import annotations

from datetime import date

import pytest

from sanxiang.complaints.models import Complaint, DeadlineRule
from sanxiang.complaints.rules import RULES_FILE, rules_load, rules_read
from sanxiang.core.legal_rows import DataFileError
from tests.complaints.conftest import category, submit

pytestmark = [pytest.mark.django_db]


def test_every_shipped_rule_cites_its_source():
    rules = rules_read(RULES_FILE)
    assert rules
    assert all(row["basis"] for row in rules.values())
    # Every kind and stage has a default (no category) row.
    assert {(k, s) for c, k, s in rules if c == ""} == {
        ("complaint", "accept"),
        ("complaint", "reply"),
        ("report", "accept"),
        ("report", "reply"),
    }


def test_the_migration_loaded_the_rules_and_loading_again_changes_nothing():
    assert DeadlineRule.objects.count() == len(rules_read(RULES_FILE))
    report = rules_load()
    assert report.added == [] and report.differing == {}


def test_a_market_complaint_is_due_in_seven_working_days(client, agency):
    # 2026-06-10 (Wed) + 7 working days, skipping the weekend and 端午节 (19 June 2026).
    submit(client, agency, kind="complaint", category=category("市场监管").pk)
    complaint = Complaint.objects.get()
    assert complaint.accept_due == date(2026, 6, 22)
    assert (
        "7个工作日" in complaint.accept_basis and "投诉举报处理暂行办法" in complaint.accept_basis
    )


def test_without_a_field_the_default_counts_calendar_days(client, agency):
    submit(client, agency, kind="report")
    complaint = Complaint.objects.get()
    assert complaint.accept_due == date(2026, 6, 25)
    assert complaint.accept_basis.startswith("15日；")


def test_an_edited_row_is_what_counts_and_a_reload_keeps_it(client, agency):
    rule = DeadlineRule.objects.get(category_code="", kind="report", stage="accept")
    rule.days = 3
    rule.save()
    submit(client, agency, kind="report")
    # 3 日 (as edited) end on Saturday 13 June: the period ends on Monday 15 June.
    assert Complaint.objects.get().accept_due == date(2026, 6, 15)
    report = rules_load()
    assert list(report.differing) == ["/report/accept"]
    rule.refresh_from_db()
    assert rule.days == 3


def test_a_bad_rules_file_loads_nothing(tmp_path):
    bad = tmp_path / "deadlines.csv"
    bad.write_text(
        "category,kind,stage,days,unit,basis\n,complaint,accept,0,weeks,x\n", encoding="utf-8"
    )
    with pytest.raises(DataFileError) as refused:
        rules_load(path=bad)
    assert "期限应为正整数" in refused.value.message and "计算单位" in refused.value.message


def test_the_load_command_reports_in_chinese(capsys):
    from django.core.management import call_command

    call_command("complaints", "load")
    out = capsys.readouterr().out
    assert "投诉举报处理期限" in out and "新增 0 项" in out
