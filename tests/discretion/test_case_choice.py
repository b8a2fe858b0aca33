"""In the case: the handler picks the 违法行为 from the agency's 裁量基准 in force; its articles
fill the basis, the case keeps the version, and the tiers say where the proposed fine falls —
which the legal reviewer's pre-check repeats."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from sanxiang.cases.models import Case
from sanxiang.cases.services import Assessment, case_assess, case_transition
from sanxiang.discretion.models import Violation
from sanxiang.ledger.models import LedgerEntry
from sanxiang.review.prechecks import prechecks
from tests.cases.conftest import ready_case


@pytest.fixture
def case(staff, published):
    opened = ready_case(staff)
    return case_transition(actor=staff.head, case_id=opened.pk, action="register")


def sr(code: str) -> Violation:
    return Violation.objects.get(benchmark__status="in_force", code=code)


def test_the_handler_finds_the_violation_and_its_articles_fill_the_basis(client, staff, case):
    client.force_login(staff.zhang.user)
    page = client.get(reverse("cases:detail", args=[case.pk]), {"violation_q": "堆放"})
    text = page.content.decode()
    assert "按裁量基准选用违法行为" in text and sr("SR-001").name in text
    assert sr("SR-002").name not in text  # 户外广告 does not match 堆放
    before = LedgerEntry.objects.filter(action="cases.case.basis_set").count()
    answer = client.post(reverse("cases:violation", args=[case.pk]), {"violation": sr("SR-001").pk})
    assert answer.status_code == 302
    case = Case.objects.get(pk=case.pk)
    chosen = sr("SR-001")
    assert case.discretion_violation == chosen
    assert set(case.violated_articles.all()) == set(chosen.violated_articles.all())
    assert set(case.penalty_articles.all()) == set(chosen.penalty_articles.all())
    assert LedgerEntry.objects.filter(action="cases.case.basis_set").count() == before + 1
    shown = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "本案按此版本裁量" in shown and "从重处罚" in shown


def test_an_article_finds_the_violation_too(client, staff, case):
    client.force_login(staff.zhang.user)
    page = client.get(reverse("cases:detail", args=[case.pk]), {"violation_q": "第十一条"})
    assert sr("SR-002").name in page.content.decode()


@pytest.mark.parametrize("violation", ["", "abc", "99999999", "-1", "9" * 40])
def test_a_violation_not_in_the_benchmark_in_force_is_refused_and_changes_nothing(
    client, staff, case, violation
):
    client.force_login(staff.zhang.user)
    answer = client.post(reverse("cases:violation", args=[case.pk]), {"violation": violation})
    assert answer.status_code == 302  # a plain post answers by a redirect, with the message
    page = client.get(answer["Location"]).content.decode()
    assert "不在本机关现行有效的裁量基准中" in page
    assert Case.objects.get(pk=case.pk).discretion_violation_id is None


def test_only_a_handler_chooses_and_not_after_the_basis_is_fixed(client, staff, case):
    client.force_login(staff.wang.user)
    answer = client.post(reverse("cases:violation", args=[case.pk]), {"violation": sr("SR-001").pk})
    assert answer.status_code in (302, 404)
    assert Case.objects.get(pk=case.pk).discretion_violation_id is None


def _propose(staff, case, fine: str, reasons: str | None = None) -> Case:
    return case_assess(
        actor=staff.zhang,
        case_id=case.pk,
        assessment=Assessment(facts="在人行道堆放建材约 8 平方米。", penalty_kinds=("fine",),
                              fine_yuan=Decimal(fine), discretion_reasons=reasons),
    )  # fmt: skip


def test_the_tier_of_the_proposed_fine_is_shown_and_the_reviewer_is_told(client, staff, case):
    client.force_login(staff.zhang.user)
    client.post(reverse("cases:violation", args=[case.pk]), {"violation": sr("SR-001").pk})
    _propose(staff, case, "2000")
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "拟罚款 2000.00 元在“一般处罚”阶次的幅度内" in page
    check = next(c for c in prechecks(Case.objects.get(pk=case.pk)) if c.point == "discretion")
    assert check.ok is True and "一般处罚" in check.text

    # Above the statutory 5000 (and so outside the applicable tier: reasons are required).
    _propose(staff, case, "8000", reasons="当事人多次堆放，拒不清理。")
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "超过法定罚款上限 5000 元" in page
    check = next(c for c in prechecks(Case.objects.get(pk=case.pk)) if c.point == "discretion")
    assert check.ok is False and "超过法定罚款上限" in check.text


def test_without_a_chosen_violation_the_reviewer_is_asked_to_check_by_hand(staff, case):
    check = next(c for c in prechecks(case) if c.point == "discretion")
    assert check.ok is None and "未从本机关裁量基准中选用违法行为" in check.text


def test_articles_set_by_hand_that_differ_drop_the_chosen_violation(client, staff, case):
    from sanxiang.cases.services import case_basis_set

    client.force_login(staff.zhang.user)
    client.post(reverse("cases:violation", args=[case.pk]), {"violation": sr("SR-001").pk})
    chosen = sr("SR-001")
    same = case_basis_set(
        actor=staff.zhang, case_id=case.pk, violated=list(chosen.violated_articles.all()),
        penalty=list(chosen.penalty_articles.all()),
    )  # fmt: skip
    assert Case.objects.get(pk=same.pk).discretion_violation_id == chosen.pk
    other = list(sr("SR-002").violated_articles.all())
    case_basis_set(
        actor=staff.zhang, case_id=case.pk, violated=other,
        penalty=list(chosen.penalty_articles.all()),
    )  # fmt: skip
    assert Case.objects.get(pk=case.pk).discretion_violation_id is None
    check = next(c for c in prechecks(Case.objects.get(pk=case.pk)) if c.point == "discretion")
    assert check.ok is None
