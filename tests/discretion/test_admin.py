"""The 管理后台: a draft is edited there, each edit a ledger event; a published version is
read-only (a change is a new version)."""

from __future__ import annotations

import pytest
from django.test import Client

from sanxiang.discretion.models import Tier
from sanxiang.discretion.services import benchmark_import
from sanxiang.ledger.models import LedgerEntry
from tests.discretion.conftest import SAMPLE


@pytest.fixture
def admin_client(django_user_model, db):
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("admin", password="x" * 12))
    return client


def test_a_draft_is_edited_in_the_admin_with_a_ledger_event(admin_client, agency, items):
    draft = benchmark_import(agency=agency, filename="a.csv", content=SAMPLE.read_bytes())
    circumstance = draft.circumstances.get(kind="minor")
    url = f"/office/admin/discretion/circumstance/{circumstance.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200 and 'name="_save"' in page.content.decode()
    saved = admin_client.post(
        url,
        {
            "benchmark": draft.pk,
            "kind": "minor",
            "violation": "",
            "text": "违法行为轻微并及时改正，没有造成危害后果的",
            "basis": circumstance.basis,
            "articles": [a.pk for a in circumstance.articles.all()],
            "position": circumstance.position,
        },
    )
    assert saved.status_code == 302
    circumstance.refresh_from_db()
    assert circumstance.text.endswith("的")
    assert LedgerEntry.objects.filter(action="discretion.circumstance.changed").exists()


def test_a_published_version_is_read_only_in_the_admin(admin_client, published):
    violation = published.violations.get(code="SR-001")
    url = f"/office/admin/discretion/violation/{violation.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin_client.post(url, {"name": "改"}).status_code == 403
    tier = violation.tiers.first()
    assert tier is not None
    deleted = admin_client.post(f"/office/admin/discretion/tier/{tier.pk}/delete/", {"post": "yes"})
    assert deleted.status_code in (403, 404)
    assert Tier.objects.filter(pk=tier.pk).exists()


def test_a_draft_tier_edited_outside_the_statutory_range_is_refused(agency, items):
    from django.core.exceptions import ValidationError

    draft = benchmark_import(agency=agency, filename="a.csv", content=SAMPLE.read_bytes())
    tier = Tier.objects.get(violation__benchmark=draft, violation__code="SR-001", kind="heavier")
    assert tier.fine_max is not None
    tier.fine_max = tier.fine_max * 2
    with pytest.raises(ValidationError, match="高于法定上限"):
        tier.full_clean()
    tier.fine_min, tier.fine_max = tier.fine_max, tier.fine_min
    with pytest.raises(ValidationError, match="高于上限"):
        tier.full_clean()
