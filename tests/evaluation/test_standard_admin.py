"""The 评查标准 in the 管理后台: editable (each edit a ledger event) until a campaign uses it,
read-only from then on; campaigns are never edited there."""

from __future__ import annotations

import pytest
from django.test import Client

from sanxiang.evaluation.models import Standard
from sanxiang.ledger.models import LedgerEntry


@pytest.fixture
def admin_client(django_user_model, db):
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("admin", password="x" * 12))
    return client


def test_an_unused_standard_is_edited_in_the_admin_with_a_ledger_event(admin_client):
    standard = Standard.objects.get(version="2026-1")
    url = f"/office/admin/evaluation/standard/{standard.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200 and 'name="_save"' in page.content.decode()
    items = list(standard.items.all())
    data = {
        "version": "2026-1", "title": "行政处罚案卷评查标准（修订）", "source": standard.source,
        "items-TOTAL_FORMS": str(len(items)), "items-INITIAL_FORMS": str(len(items)),
        "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for i, item in enumerate(items):
        data |= {
            f"items-{i}-id": str(item.pk), f"items-{i}-standard": str(standard.pk),
            f"items-{i}-position": str(item.position), f"items-{i}-number": item.number,
            f"items-{i}-category": item.category, f"items-{i}-description": item.description,
            f"items-{i}-points": str(item.points), f"items-{i}-deduction": item.deduction,
            f"items-{i}-basis": item.basis,
        }  # fmt: skip
    assert admin_client.post(url, data).status_code == 302
    standard.refresh_from_db()
    assert standard.title.endswith("（修订）")
    assert LedgerEntry.objects.filter(action="evaluation.standard.changed").exists()


def test_a_standard_in_use_is_read_only_in_the_admin(admin_client, campaign):
    url = f"/office/admin/evaluation/standard/{campaign.standard_id}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin_client.post(url, {"title": "改"}).status_code == 403
    change = admin_client.get(f"/office/admin/evaluation/campaign/{campaign.pk}/change/")
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
