# ruff: noqa: F811 - the fixtures imported from the discretion tests are used as arguments
"""The 违法行为 chosen from the 裁量基准 is part of the structural key: decisions of the same
违法行为 rank before those that only cite the same articles, and the band of amounts is drawn
from the decisions of the same 违法行为 and tier."""

from __future__ import annotations

from decimal import Decimal

from sanxiang.cases.models import Case, Procedure
from sanxiang.cases.services import (
    Assessment,
    case_assess,
    case_basis_set,
    case_open,
    case_transition,
    case_violation_choose,
    party_add,
)
from sanxiang.disclosure.models import Publication
from sanxiang.disclosure.services import publication_confirm, publication_draft
from sanxiang.discretion.models import Violation
from sanxiang.similar.key import key_of_case
from sanxiang.similar.models import IndexedDecision
from sanxiang.similar.selectors import similar_to
from tests.cases.conftest import COMPANY_CODE, new_case, ready_case
from tests.discretion.conftest import items, laws  # noqa: F401 - shared fixtures
from tests.discretion.conftest import published as benchmark  # noqa: F401

FACTS = "当事人在人民路人行道堆放建筑材料约八平方米，影响市容和行人通行"


def sr(code: str = "SR-001") -> Violation:
    return Violation.objects.get(benchmark__status="in_force", code=code)


def decided(staff, *, fine: str, chosen: bool, title: str = "堆放物料") -> Publication:
    """An on-the-spot fine for the same facts, on SR-001's articles: with the 违法行为 chosen
    from the benchmark, or with the same articles set by hand."""
    case = case_open(
        actor=staff.zhang,
        new=new_case(procedure=Procedure.PENALTY_SIMPLE, title=title, facts=FACTS,
                     fine_yuan=Decimal(fine)),
    )  # fmt: skip
    party_add(
        actor=staff.zhang, case_id=case.pk, kind="organisation", name="某某建材有限公司",
        identifier=COMPANY_CODE, address="测试市人民路 1 号",
    )  # fmt: skip
    case.handlers.add(staff.li)
    violation = sr()
    if chosen:
        case_violation_choose(actor=staff.zhang, case_id=case.pk, violation_id=violation.pk)
    else:
        case_basis_set(
            actor=staff.zhang, case_id=case.pk,
            violated=list(violation.violated_articles.all()),
            penalty=list(violation.penalty_articles.all()),
        )  # fmt: skip
    case_transition(actor=staff.zhang, case_id=case.pk, action="decide_on_spot")
    publication = Publication.objects.get(case=case)
    draft = publication_draft(publication)
    return publication_confirm(
        actor=staff.head, publication_id=publication.pk, draft_sha256=draft.sha256
    )


def draft_case(staff, *, fine: str) -> Case:
    case = ready_case(staff, title="堆放物料")
    case_transition(actor=staff.head, case_id=case.pk, action="register")
    case_violation_choose(actor=staff.zhang, case_id=case.pk, violation_id=sr().pk)
    return case_assess(
        actor=staff.zhang, case_id=case.pk,
        assessment=Assessment(facts=FACTS, penalty_kinds=("fine",), fine_yuan=Decimal(fine),
                              # needed when the fine lies outside the applicable (一般) tier
                              discretion_reasons="当事人主动改正，危害后果轻微。"),
    )  # fmt: skip


def test_the_key_names_the_violation_by_agency_and_code_and_the_draft_s_tier(staff, benchmark):
    case = draft_case(staff, fine="2000")
    key = key_of_case(Case.objects.get(pk=case.pk))
    assert key.violation == f"{case.agency_id}:SR-001" and key.tier == "ordinary"
    assert key.text.startswith(f"b{case.agency_id}:SR-001|")


def test_a_decision_of_the_same_violation_ranks_before_one_citing_the_same_articles(
    staff, benchmark
):
    by_hand = decided(staff, fine="2000", chosen=False)
    same = decided(staff, fine="2000", chosen=True)
    row = IndexedDecision.objects.get(publication=same)
    assert row.violation.endswith(":SR-001") and row.tier == "ordinary"
    assert IndexedDecision.objects.get(publication=by_hand).violation == ""
    case = draft_case(staff, fine="2000")

    # Without the 违法行为 the two are alike in text and structure: the older comes first.
    Case.objects.filter(pk=case.pk).update(discretion_violation=None)
    before = [m.decision.publication_id for m in similar_to(Case.objects.get(pk=case.pk)).matches]
    assert before[:2] == [by_hand.pk, same.pk]

    Case.objects.filter(pk=case.pk).update(discretion_violation=sr())
    matches = similar_to(Case.objects.get(pk=case.pk)).matches
    assert [m.decision.publication_id for m in matches][:2] == [same.pk, by_hand.pk]
    assert matches[0].same_violation and not matches[1].same_violation
    assert matches[0].structure > matches[1].structure


def test_the_band_is_drawn_from_the_same_violation_and_tier(staff, benchmark):
    for fine in ("1600", "2000", "2400", "2800", "3000"):  # 一般处罚 1500–3500 (on the spot ≤ 3000)
        decided(staff, fine=fine, chosen=True)
    for fine in ("600", "800"):  # 从轻处罚 500–1500
        decided(staff, fine=fine, chosen=True)
    for fine in ("100", "150", "200"):  # the same articles set by hand: not compared
        decided(staff, fine=fine, chosen=False)

    ordinary = similar_to(draft_case(staff, fine="3400"))
    assert ordinary.band_basis == "同一违法行为、同一裁量阶次" and ordinary.compared == 5
    assert ordinary.band is not None and ordinary.band.minimum == Decimal("1600")

    lighter = similar_to(draft_case(staff, fine="1000"))  # only two 从轻 decisions
    assert lighter.band_basis == "同一违法行为" and lighter.compared == 7
    assert lighter.band is not None and lighter.band.minimum == Decimal("600")
    assert not lighter.outside
