"""The office's 行政许可 pages: list, record form, detail, import (all or nothing, per-row errors)
and the ``sanxiang acts import-permits`` command."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from sanxiang.acts.models import Permit
from sanxiang.acts.services import IMPORT_COLUMNS, PERMIT_FIELDS
from sanxiang.disclosure.models import Publication
from sanxiang.ledger.models import LedgerEntry
from tests.acts.conftest import permit_fields

LABELS = list(IMPORT_COLUMNS)


def _csv(*rows: dict[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(LABELS)
    for fields in rows:
        writer.writerow([fields.get(key, "") for key in PERMIT_FIELDS])
    return out.getvalue().encode("utf-8")


def _login(client, login: str) -> None:
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=login))


def test_an_officer_records_a_permit_by_form_and_sees_it_listed(client, people):
    _login(client, "zhang")
    assert client.get(reverse("acts:new")).status_code == 200
    response = client.post(reverse("acts:new"), permit_fields())
    assert response.status_code == 302, response.content.decode()
    permit = Permit.objects.get()
    assert response["Location"] == reverse("acts:permit", args=[permit.pk])
    page = client.get(response["Location"]).content.decode()
    assert "测城许〔2026〕1号" in page and "待公示" in page
    listing = client.get(reverse("acts:list")).content.decode()
    assert "测城许〔2026〕1号" in listing


def test_the_form_shows_the_services_message_beside_the_field_and_stores_nothing(client, people):
    _login(client, "zhang")
    response = client.post(
        reverse("acts:new"), permit_fields(valid_from="2026-06-08", valid_until="2026-01-01")
    )
    assert response.status_code == 400
    assert "有效期至不能早于有效期自" in response.content.decode()
    response = client.post(
        reverse("acts:new"), permit_fields(party_credit_code="91990100MA0000501X")
    )
    assert response.status_code == 400
    assert "统一社会信用代码" in response.content.decode()
    assert Permit.objects.count() == 0 and Publication.objects.count() == 0


def test_a_reviewer_may_not_record_and_another_agency_sees_nothing(client, people):
    _login(client, "zhou")
    assert client.get(reverse("acts:new")).status_code == 403
    assert client.post(reverse("acts:new"), permit_fields()).status_code == 403
    _login(client, "zhang")
    client.post(reverse("acts:new"), permit_fields())
    permit = Permit.objects.get()
    _login(client, "other")
    assert client.get(reverse("acts:permit", args=[permit.pk])).status_code == 404
    assert "测城许〔2026〕1号" not in client.get(reverse("acts:list")).content.decode()


def test_an_import_with_one_bad_row_imports_nothing_and_names_the_row(client, people):
    _login(client, "head")
    content = _csv(
        permit_fields(),
        permit_fields(decision_number="测城许〔2026〕2号", valid_until="2020-01-01"),
        permit_fields(decision_number="测城许〔2026〕1号"),
    )
    upload = io.BytesIO(content)
    upload.name = "permits.csv"
    before = LedgerEntry.objects.count()
    response = client.post(reverse("acts:import"), {"file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "第 3 行" in page and "有效期至不能早于有效期自" in page
    assert "第 4 行" in page and "与第 2 行的许可决定文书号重复" in page
    assert Permit.objects.count() == 0 and LedgerEntry.objects.count() == before


def test_an_import_records_every_row_with_its_publication_and_one_file_event(client, people):
    _login(client, "head")
    content = _csv(
        permit_fields(),
        permit_fields(decision_number="测城许〔2026〕2号"),
        permit_fields(
            decision="注销许可", decision_number="测城许销〔2026〕1号", original="测城许〔2026〕1号"
        ),
    )
    upload = io.BytesIO(content)
    upload.name = "permits.csv"
    response = client.post(reverse("acts:import"), {"file": upload})
    assert response.status_code == 302
    assert Permit.objects.count() == 3 and Publication.objects.count() == 3
    assert (
        Permit.objects.get(decision_number="测城许〔2026〕1号").get_standing_display() == "已注销"
    )
    assert LedgerEntry.objects.filter(action="acts.permits.imported").count() == 1


def test_the_import_command_loads_a_csv_with_a_progress_bar_all_or_nothing(people, tmp_path):
    agency = people.head.unit.agency
    good = tmp_path / "good.csv"
    good.write_bytes(_csv(permit_fields(), permit_fields(decision_number="测城许〔2026〕2号")))
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "acts", "import-permits", str(good), "--agency", agency.credit_code, stdout=out, stderr=err
    )
    assert "导入行政许可 2 件" in out.getvalue()
    assert "导入行政许可" in err.getvalue()  # the progress bar
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv(permit_fields(decision_number="测城许〔2026〕3号", category="许可")))
    err = io.StringIO()
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("acts", "import-permits", str(bad), "--agency", agency.credit_code, stderr=err)
    assert "第 2 行「许可类别」" in err.getvalue()
    assert Permit.objects.count() == 2
