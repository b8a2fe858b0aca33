# ruff: noqa: F811  (fixtures imported from the tests they share)
"""The phone's 当场处罚 step has the case page's 裁量 picker: find and choose the 违法行为 (its
articles fill themselves), tick its 情节 with the photos that show them, see the applicable
tier, range and suggested fine; the server checks the fine against the statutory range and the
tier (outside it: written reasons), and the decision keeps its DecisionDiscretion."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from sanxiang.cases.models import CaseCircumstance, DecisionDiscretion, DiscretionOutcome
from sanxiang.evidence.models import EvidenceItem
from tests.cases.conftest import COMPANY_CODE
from tests.cases.test_onsite import _today, officer, open_case, photo, upload  # noqa: F401
from tests.discretion.test_circumstances import MITIGATING, circumstance, sr

COMPANY = {
    "party_kind": "organisation",
    "party_name": "测试市某某商贸有限公司",
    "party_identifier": COMPANY_CODE,
    "party_address": "测试市人民路 100 号",
}


def _chosen(client, staff):
    case = open_case(client, staff, party=COMPANY)
    upload(client, case, [photo()], place="人民路", proves="当事人当场清理堆放物料")
    page = reverse("cases:onsite-penalty", args=[case.pk])
    found = client.get(page, {"q": "占道"}).content.decode()
    assert "SR-001" in found and 'id="violation-results"' in found
    response = client.post(
        reverse("cases:onsite-violation", args=[case.pk]), {"violation": sr("SR-001").pk}
    )
    assert response["Location"].startswith(page)
    case.refresh_from_db()
    return case


def _penalty(client, case, fine: str, **extra):
    violation = sr("SR-001")
    data = {
        "facts": "当事人在人民路 100 号门前堆放物料",
        "violated": [a.pk for a in violation.violated_articles.all()],
        "penalty": [a.pk for a in violation.penalty_articles.all()],
        "penalty_kind": "fine",
        "fine_yuan": fine,
        "circumstances_shown": "1",
        **extra,
    }
    return client.post(reverse("cases:onsite-penalty", args=[case.pk]), data)


def test_choosing_the_violation_on_the_phone_fills_the_articles_and_shows_the_tiers(
    client,
    staff,
    officer,
    published,
):
    case = _chosen(client, staff)
    violation = sr("SR-001")
    assert case.discretion_violation == violation
    assert set(case.penalty_articles.all()) == set(violation.penalty_articles.all())
    page = client.get(reverse("cases:onsite-penalty", args=[case.pk])).content.decode()
    assert "已选用：SR-001" in page and "从轻处罚" in page and "从重处罚" in page
    # With no 情节, the 一般 tier applies and its middle is suggested.
    assert "一般处罚" in page and 'id="suggested-amount">2500 元' in page


def test_ticked_circumstances_with_a_photo_give_the_lighter_tier_and_its_suggestion(
    client,
    staff,
    officer,
    published,
):
    case = _chosen(client, staff)
    item = EvidenceItem.objects.get()
    mitigating = circumstance(MITIGATING)
    response = client.post(
        reverse("cases:onsite-penalty", args=[case.pk]),
        {"action": "circumstances", "circumstance": mitigating.pk,
         f"evidence-{mitigating.pk}": item.pk, f"note-{mitigating.pk}": "当场清理"},
    )  # fmt: skip
    assert response.status_code == 302
    row = CaseCircumstance.objects.get(case=case)
    assert list(row.evidence.all()) == [item]
    page = client.get(reverse("cases:onsite-penalty", args=[case.pk])).content.decode()
    assert 'class="applicable"><strong>从轻处罚</strong>' in page
    assert 'id="suggested-amount">1000 元' in page
    # A 情节 without a photo that shows it is refused, and nothing changes.
    response = client.post(
        reverse("cases:onsite-penalty", args=[case.pk]),
        {"action": "circumstances", "circumstance": mitigating.pk},
    )
    assert response.status_code == 400 and "请为情节" in response.content.decode()
    assert CaseCircumstance.objects.filter(case=case).count() == 1


def test_a_fine_outside_the_tier_needs_reasons_and_above_the_statute_is_refused(
    client,
    staff,
    officer,
    published,
):
    case = _chosen(client, staff)
    item = EvidenceItem.objects.get()
    mitigating = circumstance(MITIGATING)
    ticks = {"circumstance": mitigating.pk, f"evidence-{mitigating.pk}": item.pk}
    # 从轻: 500–1500 元; 2000 元 is outside it.
    response = _penalty(client, case, "2000", **ticks)
    assert response.status_code == 400
    assert "请在“超出适用阶次的理由”中写明理由" in response.content.decode()
    case.refresh_from_db()
    assert case.fine_yuan is None and not CaseCircumstance.objects.filter(case=case).exists()
    # Above the statutory maximum (5000 元): refused even with reasons.
    response = _penalty(client, case, "6000", discretion_reasons="情节恶劣", **ticks)
    assert response.status_code == 400 and "超过处罚依据规定的罚款上限" in response.content.decode()
    # With reasons, an out-of-tier fine is saved and shown at the decision.
    response = _penalty(client, case, "2000", discretion_reasons="堆放面积较大。", **ticks)
    assert response["Location"] == reverse("cases:onsite-confirm", args=[case.pk])
    confirm = client.get(response["Location"]).content.decode()
    assert "SR-001" in confirm and "从轻处罚（罚款 500 元至 1500 元）" in confirm
    assert "堆放面积较大。" in confirm


def test_the_on_spot_decision_keeps_its_discretion_record(client, staff, officer, published):
    case = _chosen(client, staff)
    item = EvidenceItem.objects.get()
    mitigating = circumstance(MITIGATING)
    response = _penalty(
        client, case, "1000", circumstance=mitigating.pk, **{f"evidence-{mitigating.pk}": item.pk}
    )
    assert response.status_code == 302
    client.post(reverse("cases:onsite-confirm", args=[case.pk]))
    case.refresh_from_db()
    assert case.state == "served"
    record = DecisionDiscretion.objects.get(case=case)
    assert record.outcome == DiscretionOutcome.WITHIN
    assert record.violation_code == "SR-001" and record.fine_yuan == Decimal("1000")
    assert record.tier is not None and record.tier.name == "从轻处罚"
