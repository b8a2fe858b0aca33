"""信用公示期限 and 处罚种类默认失信程度 as rows: loaded from data/disclosure/, edited in 管理后台
(each edit a ledger event), read by credit_term and severity_for; a bad file loads nothing."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from sanxiang.core.legal_rows import DataFileError
from sanxiang.disclosure.credit import (
    PERIODS_FILE,
    SEVERITIES_FILE,
    credit_periods_read,
    credit_rules_load,
    credit_severities_read,
    credit_term,
    severity_for,
)
from sanxiang.disclosure.models import CreditPeriodRule, CreditSeverityDefault
from sanxiang.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="x" * 12))
    return client


def test_a_fresh_database_holds_the_rules_of_the_shipped_files():
    periods = {
        (r.in_force_from, r.severity): {
            "regime": r.regime,
            "min_months": r.min_months,
            "max_months": r.max_months,
            "basis": r.basis,
        }
        for r in CreditPeriodRule.objects.all()
    }
    assert periods == credit_periods_read()
    severities = {
        (r.penalty_kind,): {"severity": r.severity, "note": r.note}
        for r in CreditSeverityDefault.objects.all()
    }
    assert severities == credit_severities_read()


def test_loading_the_shipped_files_twice_changes_nothing():
    events = LedgerEntry.objects.count()
    for _ in range(2):
        periods, severities = credit_rules_load()
        assert (periods.added, periods.differing, periods.replaced) == ([], {}, [])
        assert (severities.added, severities.differing) == ([], {})
    assert LedgerEntry.objects.count() == events


def test_an_admin_edit_of_a_default_severity_is_used_and_recorded(admin_client):
    row = CreditSeverityDefault.objects.get(penalty_kind="fine")
    change = reverse("admin:disclosure_creditseveritydefault_change", args=[row.pk])
    form = {"penalty_kind": "fine", "severity": "serious", "note": "本地规定：罚款按严重失信"}
    assert admin_client.post(change, form).status_code == 302
    assert severity_for(["fine"]) == "serious"
    event = LedgerEntry.objects.get(object_type="disclosure.creditseveritydefault")
    assert event.action == "disclosure.creditseveritydefault.changed"


def test_a_rule_added_in_the_admin_governs_decisions_from_its_date(admin_client):
    form = {
        "regime": "2030",
        "in_force_from": "2030-01-01",
        "severity": "serious",
        "min_months": "6",
        "max_months": "24",
        "basis": "假设的新规定：严重失信最长2年",
    }
    assert (
        admin_client.post(reverse("admin:disclosure_creditperiodrule_add"), form).status_code == 302
    )
    assert credit_term(date(2030, 6, 1), "serious").until == date(2032, 6, 1)
    assert credit_term(date(2029, 6, 1), "serious").until == date(2032, 6, 1)  # 36号令: 3 years
    assert credit_term(date(2030, 6, 1), "serious").basis == "假设的新规定：严重失信最长2年"
    event = LedgerEntry.objects.get(object_type="disclosure.creditperiodrule")
    assert event.action == "disclosure.creditperiodrule.created" and event.actor != "system"


def test_a_reload_keeps_an_edited_rule_and_names_it_until_told_to_replace():
    CreditPeriodRule.objects.filter(in_force_from=date(2026, 4, 1), severity="general").update(
        max_months=24
    )
    events = LedgerEntry.objects.count()
    out = io.StringIO()
    call_command("credit", "load", stdout=out)
    assert (
        "2026-04-01/general：最长公示期（月）在管理后台改过，与文件不同，未覆盖。" in out.getvalue()
    )
    assert credit_term(date(2026, 5, 1), "general").until == date(2028, 5, 1)
    assert LedgerEntry.objects.count() == events

    call_command("credit", "load", "--replace", stdout=io.StringIO())
    assert credit_term(date(2026, 5, 1), "general").until == date(2027, 5, 1)
    assert LedgerEntry.objects.filter(action="disclosure.creditperiodrule.changed").count() == 1


def test_a_bad_file_is_refused_whole_with_its_row_numbers(tmp_path: Path):
    CreditPeriodRule.objects.all().delete()
    CreditSeverityDefault.objects.all().delete()
    lines = PERIODS_FILE.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("2019-07-01", "2019年7月1日")  # row 3
    lines[3] = lines[3].replace(",serious,", ",severe,")  # row 4
    lines[4] = lines[4].replace(",3,12,", ",13,12,")  # row 5
    lines[6] = lines[5]  # row 7 repeats row 6
    periods = tmp_path / "credit_periods.csv"
    periods.write_text("\n".join(lines) + "\n", encoding="utf-8")

    with pytest.raises(DataFileError) as refused:
        credit_rules_load(periods_file=periods)
    problems = refused.value.problems
    assert any(p.startswith("第3行：施行日期应写成 2026-04-01 的形式") for p in problems)
    assert any(p.startswith("第4行：失信程度应为") and "severe" in p for p in problems)
    assert "第5行：最短公示期不能长于最长公示期。" in problems
    assert "第7行：与第6行的施行日期和失信程度相同。" in problems
    # Neither file is loaded, although the severities file is good.
    assert not CreditPeriodRule.objects.exists() and not CreditSeverityDefault.objects.exists()
    assert not LedgerEntry.objects.exists()

    severities = tmp_path / "credit_severity.csv"
    text = SEVERITIES_FILE.read_text(encoding="utf-8").replace("close_down,", "shut_down,")
    severities.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match="第12行：处罚种类“shut_down”不是可用的代码"):
        call_command("credit", "load", "--severities", str(severities))
    assert not CreditSeverityDefault.objects.exists()
