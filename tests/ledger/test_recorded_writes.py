"""Writes made so far are ledger events: imports, admin edits, calendar years."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from sanxiang.core.services import calendar_year_import, parse_schedule_csv
from sanxiang.core.workdays import package_calendar
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.verify import verify_ledger
from sanxiang.org.importing import COLUMNS
from sanxiang.org.models import Agency, Officer
from sanxiang.org.services import officers_import
from tests.conftest import credit_code

HEADER = ",".join(COLUMNS)
ROW = (
    "王芳,女,测试市城市管理综合行政执法局,执法一大队,队员,99010090001,"
    "城市管理,测试市,2024-01-01,2028-12-31,否,"
)


def test_each_imported_officer_is_an_event_carrying_the_files_hash(agency, django_user_model):
    user = django_user_model.objects.create_user("clerk", password="correct horse battery")
    content = f"{HEADER}\n{ROW}\n".encode()
    officers_import(actor=user, filename="名册.csv", content=content, max_bytes=10_000)
    officer = Officer.objects.get()
    entry = LedgerEntry.objects.get(action="org.officer.imported")
    assert (entry.object_type, entry.object_id) == ("org.officer", str(officer.pk))
    assert entry.actor == f"user:{user.pk}" and entry.agency_id == agency.pk
    assert entry.content_sha256 == hashlib.sha256(content).hexdigest()
    assert "王芳" not in entry.leaf, "the ledger stores facts about records, not personal data"


def test_a_refused_import_records_nothing(agency):
    before = LedgerEntry.objects.count()
    with pytest.raises(Exception, match="未导入任何数据"):
        officers_import(
            actor=None,
            filename="名册.csv",
            content=f"{HEADER}\n{ROW[:-20]}\n".encode(),
            max_bytes=10_000,
        )
    assert LedgerEntry.objects.count() == before


def test_admin_edits_of_master_data_are_events_with_the_admin_as_actor(
    client, django_user_model, agency
):
    admin = django_user_model.objects.create_superuser("root", password="correct horse battery")
    client.force_login(admin)
    response = client.post(
        reverse("admin:org_agency_add"),
        {
            "name": "测试县市场监督管理局",
            "credit_code": credit_code(5),
            "level": "county",
            "region": "测试县",
            "address": "测试县 2 号",
            "phone": "0999-2",
            "authority_basis": "编制文件",
            "units-TOTAL_FORMS": "1",
            "units-INITIAL_FORMS": "0",
            "units-0-name": "法规科",
            "units-0-is_legal_review_body": "on",
        },
    )
    assert response.status_code == 302
    created = Agency.objects.get(name="测试县市场监督管理局")
    events = list(
        LedgerEntry.objects.filter(actor=f"user:{admin.pk}").values_list("action", "agency_id")
    )
    assert events == [("org.agency.created", created.pk), ("org.unit.created", created.pk)]
    assert verify_ledger().ok


def test_entering_a_calendar_year_is_an_event(db):
    year = max(package_calendar().years) + 1
    days = parse_schedule_csv(f"{year}-01-01,否,元旦\n")
    record = calendar_year_import(year=year, source="测试通知", days=days)
    entry = LedgerEntry.objects.get(action="core.calendaryear.imported")
    assert entry.object_id == str(record.pk)
    assert len(entry.content_sha256) == 64


def test_admin_bulk_delete_and_its_events_are_one_transaction(
    client, django_user_model, agency, monkeypatch
):
    """Django runs the "delete selected" action outside a transaction; ours makes it one."""
    import sanxiang.ledger.events as support
    from sanxiang.org.models import Unit

    admin = django_user_model.objects.create_superuser("root", password="correct horse battery")
    client.force_login(admin)
    unit = Unit.objects.create(agency=agency, name="临时机构")

    def broken(**kwargs):
        raise RuntimeError("ledger unavailable")

    monkeypatch.setattr(support, "ledger_append", broken)
    with pytest.raises(RuntimeError):
        client.post(
            reverse("admin:org_unit_changelist"),
            {"action": "delete_selected", "_selected_action": [unit.pk], "post": "yes"},
        )
    assert Unit.objects.filter(pk=unit.pk).exists(), "no deletion without its event"


def test_creating_a_staff_account_in_the_admin_is_an_event(client, django_user_model, db):
    admin = django_user_model.objects.create_superuser("root", password="correct horse battery")
    client.force_login(admin)
    secret = "a-long-passphrase-9"
    form = {
        "username": "newclerk",
        "password1": secret,
        "password2": secret,
        "usable_password": "true",
    }
    response = client.post(reverse("admin:auth_user_add"), form)
    assert response.status_code == 302
    clerk = django_user_model.objects.get(username="newclerk")
    entry = LedgerEntry.objects.get(action="auth.user.created")
    assert (entry.object_id, entry.actor) == (str(clerk.pk), f"user:{admin.pk}")
    assert secret not in entry.leaf
