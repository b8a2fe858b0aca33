"""同案同罚: earlier published decisions like a draft, and the usual band of amounts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from sanxiang.cases.models import Case, CaseAccess
from sanxiang.disclosure.services import publication_withdraw
from sanxiang.similar.models import IndexedDecision
from sanxiang.similar.selectors import band_for, similar_to
from tests.similar.conftest import published

FRUIT = "当事人在人民路门前占道摆摊经营水果，影响行人通行"
OIL = "当事人餐饮门店油烟净化设施未正常使用，油烟直排"


def titles(case: Case) -> list[str]:
    return [m.decision.title for m in similar_to(case).matches]


def test_a_published_decision_is_findable_without_a_rebuild(publish, draft):
    publication = publish("占道经营水果", FRUIT)
    assert IndexedDecision.objects.filter(publication=publication).exists()
    assert titles(draft)[0] == publication.title


def test_the_text_ranks_the_draft_s_own_kind_of_facts_first(publish, draft):
    oil = publish("油烟直排", OIL)
    fruit = publish("占道经营水果", FRUIT)
    found = titles(draft)
    assert found.index(fruit.title) < found.index(oil.title)


def test_a_withdrawn_decision_disappears(staff, publish, draft):
    publication = publish("占道经营水果", FRUIT)
    publication_withdraw(
        actor=staff.head, publication_id=publication.pk, reason="revoked",
        statement="该决定已被依法撤销。", occurred_on=date(2026, 6, 9),
    )  # fmt: skip
    assert not IndexedDecision.objects.filter(publication=publication).exists()
    assert publication.title not in titles(draft)


def test_a_rebuild_finds_the_same_decisions(publish, draft):
    publish("占道经营水果", FRUIT)
    publish("油烟直排", OIL)
    before = titles(draft)
    IndexedDecision.objects.all().delete()
    call_command("similar", "reindex")
    assert titles(draft) == before and len(before) == 2


def test_a_decision_of_another_agency_never_shows(other_agency, articles, draft, settings):
    first, second, head = other_agency
    theirs = published((first, second), head, title="占道经营水果", facts=FRUIT, fine="200")
    assert IndexedDecision.objects.filter(publication=theirs).exists()
    assert theirs.title not in titles(draft)
    settings.SANXIANG_SIMILAR_ACROSS_AGENCIES = True  # allowed by the installation
    assert theirs.title in titles(draft)


def test_the_usual_band_is_the_interquartile_range_widened_by_half_within_min_and_max():
    band = band_for([Decimal(v) for v in ("100", "200", "200", "300", "400", "2000")])
    assert band is not None
    assert (band.q1, band.median, band.q3) == (Decimal("200"), Decimal("250"), Decimal("375"))
    assert (band.low, band.high) == (Decimal("112.50"), Decimal("462.50"))
    assert band_for([Decimal(100)] * 4) is None  # fewer than five: no band


def test_the_page_warns_when_the_proposed_amount_is_outside_the_band(client, staff, publish, draft):
    for fine in ("150", "200", "200", "250", "300"):
        publish("占道经营水果", FRUIT, fine=fine)
    client.force_login(staff.zhang.user)
    url = reverse("similar:case", args=[draft.pk])
    page = client.get(url).content.decode()
    assert 'id="band"' in page and 'id="band-warning"' not in page
    Case.objects.filter(pk=draft.pk).update(fine_yuan=Decimal("2000"))
    page = client.get(url).content.decode()
    assert 'id="band-warning"' in page and "不在同类案件的通常范围" in page
    assert "占道经营水果" in page and reverse("portal:decision", args=[1]).rsplit("/", 2)[0] in page


def test_opening_the_page_is_recorded_like_opening_the_case(client, staff, draft):
    client.force_login(staff.zhang.user)
    before = CaseAccess.objects.filter(case=draft, officer=staff.zhang).count()
    assert client.get(reverse("similar:case", args=[draft.pk])).status_code == 200
    assert CaseAccess.objects.filter(case=draft, officer=staff.zhang).count() == before + 1


def test_an_officer_who_may_not_see_the_case_gets_404(client, other_agency, draft):
    outsider = other_agency[0]
    client.force_login(outsider.user)
    response = client.get(reverse("similar:case", args=[draft.pk]))
    assert response.status_code == 404
    assert not CaseAccess.objects.filter(case=draft, officer=outsider).exists()


@pytest.mark.parametrize("path", ["/office/similar/cases/999999/", "/office/similar/cases/x/"])
def test_an_unknown_case_is_404(client, staff, path):
    client.force_login(staff.zhang.user)
    assert client.get(path).status_code == 404


def test_the_case_page_links_to_the_similar_cases_from_the_proposal(client, staff, draft):
    client.force_login(staff.zhang.user)
    page = client.get(reverse("cases:detail", args=[draft.pk])).content.decode()
    assert reverse("similar:case", args=[draft.pk]) in page


def test_a_case_without_a_pending_proposal_gets_a_note_not_a_list(client, staff, publish, draft):
    publish("占道经营水果", FRUIT)
    Case.objects.filter(pk=draft.pk).update(state="not_registered")
    client.force_login(staff.zhang.user)
    page = client.get(reverse("similar:case", args=[draft.pk])).content.decode()
    assert 'id="no-draft"' in page and 'id="matches"' not in page


def test_a_correction_replaces_the_indexed_text(staff, publish, draft):
    from sanxiang.disclosure.services import publication_correct

    publication = publish("占道经营水果", FRUIT)
    before = IndexedDecision.objects.get(publication=publication)
    publication_correct(
        actor=staff.head, publication_id=publication.pk, text=f"执法对象：某某商贸有限公司\n{OIL}",
        reason="更正违法事实",
    )  # fmt: skip
    after = IndexedDecision.objects.get(publication=publication)
    assert after.text_sha256 != before.text_sha256
    assert "直排" in after.terms and "直排" not in before.terms  # the title stays indexed too
