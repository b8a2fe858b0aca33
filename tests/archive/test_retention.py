"""保管期限 are data: loaded from data/archive/retention.csv into rows administrators edit, and
the package records the period that applied when it was sealed."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from sanxiang.archive.models import RetentionPeriod
from sanxiang.archive.retention import RETENTION_FILE, retention_load, retention_read
from sanxiang.cases.models import Procedure
from sanxiang.core.legal_rows import DataFileError
from sanxiang.ledger.models import LedgerEntry


def test_the_shipped_file_gives_every_procedure_a_cited_period(db):
    rows = retention_read(RETENTION_FILE)
    assert {key[0] for key in rows} == set(Procedure.values)
    assert all("国家档案局令第8号" in str(row["basis"]) for row in rows.values())
    # Loaded by the migration already: loading again changes nothing.
    assert RetentionPeriod.objects.count() == len(Procedure.values)
    report = retention_load()
    assert (report.added, report.unchanged) == ([], len(Procedure.values))


def test_a_bad_file_loads_nothing_and_names_each_bad_row(db, tmp_path):
    bad = tmp_path / "retention.csv"
    bad.write_text(
        "procedure,retention,basis\npenalty_general,5y,某依据\nlicence,30y,某依据\n",
        encoding="utf-8",
    )
    RetentionPeriod.objects.all().delete()
    with pytest.raises(DataFileError) as refused:
        retention_load(path=bad)
    assert "第2行：保管期限应为" in refused.value.message
    assert "第3行：程序应为" in refused.value.message
    assert not RetentionPeriod.objects.exists()


def test_an_edited_period_is_kept_and_reported_by_the_loader(db, capsys):
    row = RetentionPeriod.objects.get(procedure="penalty_general")
    row.retention = "permanent"
    row.save()
    call_command("archive", "retention-load")
    assert "在管理后台改过" in capsys.readouterr().out
    assert RetentionPeriod.objects.get(procedure="penalty_general").retention == "permanent"
    call_command("archive", "retention-load", "--replace")
    assert RetentionPeriod.objects.get(procedure="penalty_general").retention == "30y"
    assert LedgerEntry.objects.filter(action="archive.retentionperiod.changed").exists()
