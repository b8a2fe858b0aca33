"""公示期限 and 公示调整期限 as rows: loaded from data/disclosure/, edited in 管理后台 (each edit a
ledger event), read by the services with no file behind them; a bad file loads nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from sanxiang.core.legal_rows import DataFileError
from sanxiang.disclosure import listings, services
from sanxiang.disclosure.models import PublicationPeriod, RepublicationPeriod
from sanxiang.disclosure.periods import (
    REPUBLICATION_FILE,
    disclosure_periods_load,
    publication_periods_read,
    republication_periods_read,
)
from sanxiang.disclosure.services import PublicationRefused
from sanxiang.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def test_a_fresh_database_holds_the_periods_of_the_shipped_files():
    rows = {
        (r.kind,): {"working_days": r.working_days, "basis": r.basis}
        for r in PublicationPeriod.objects.all()
    }
    assert rows == publication_periods_read()
    rows = {
        (r.cause,): {"working_days": r.working_days, "basis": r.basis}
        for r in RepublicationPeriod.objects.all()
    }
    assert rows == republication_periods_read()
    assert services.period_for("penalty")[0] == 7
    assert listings.period_for("duty").working_days == 20


def test_loading_the_shipped_files_twice_changes_nothing():
    events = LedgerEntry.objects.count()
    for _ in range(2):
        publication, republication = disclosure_periods_load()
        assert (publication.added, publication.differing) == ([], {})
        assert (republication.added, republication.differing) == ([], {})
    assert LedgerEntry.objects.count() == events


def test_an_admin_edit_of_a_period_is_used_and_recorded(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="x" * 12))
    row = PublicationPeriod.objects.get(kind="penalty")
    change = reverse("admin:disclosure_publicationperiod_change", args=[row.pk])
    form = {"kind": "penalty", "working_days": "5", "basis": "本地规定：5个工作日内公开"}
    assert client.post(change, form).status_code == 302
    assert services.period_for("penalty") == (5, "本地规定：5个工作日内公开")
    event = LedgerEntry.objects.get(object_type="disclosure.publicationperiod")
    assert event.action == "disclosure.publicationperiod.changed"


def test_a_reload_keeps_an_edited_period_and_names_it_until_told_to_replace():
    RepublicationPeriod.objects.filter(cause="law").update(working_days=5)
    out = io.StringIO()
    call_command("periods", "load", stdout=out)
    assert "law：调整期限（工作日）在管理后台改过，与文件不同，未覆盖。" in out.getvalue()
    assert listings.period_for("law").working_days == 5
    call_command("periods", "load", "--replace", stdout=io.StringIO())
    assert listings.period_for("law").working_days == 10


def test_a_deleted_period_is_refused_in_chinese_not_read_from_the_file():
    PublicationPeriod.objects.filter(kind="inspection").delete()
    with pytest.raises(PublicationRefused, match="未设置该类执法决定的公示期限"):
        services.period_for("inspection")


def test_a_bad_file_is_refused_whole_with_its_row_numbers(tmp_path: Path):
    RepublicationPeriod.objects.all().delete()
    PublicationPeriod.objects.all().delete()
    lines = REPUBLICATION_FILE.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("law,10,", "laws,10,")
    lines[2] = lines[2].replace("duty,20,", "duty,二十,")
    path = tmp_path / "republication.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("periods", "load", "--republication", str(path))
    message = str(refused.value)
    assert "第2行：变化原因应为 law、duty 之一，不是“laws”" in message
    assert "第3行：期限应为 1–365 的整数（工作日），不是“二十”" in message
    assert not PublicationPeriod.objects.exists() and not RepublicationPeriod.objects.exists()
    with pytest.raises(DataFileError, match="第2行"):
        disclosure_periods_load(republication_file=path)
