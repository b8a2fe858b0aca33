"""In the case: the handler ticks the 裁量情节 of the chosen 违法行为, each with the evidence of
this case that shows it; the page shows the applicable tier, its range, a suggested amount and
why; a fine outside that tier needs written reasons, which the reviewer's pre-check shows; and
the decision's 说理 is generated from all of it and printed as the officer edited it."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document

from sanxiang.cases.models import Case, CaseCircumstance
from sanxiang.cases.reasoning import reasoning_text
from sanxiang.cases.services import (
    Assessment,
    CaseRefused,
    Tick,
    case_assess,
    case_circumstances_set,
    case_transition,
    case_violation_choose,
    document_generate,
)
from sanxiang.discretion.applicable import suggested_fine, tier_kind_for
from sanxiang.discretion.models import Circumstance, Tier, TierKind, Violation
from sanxiang.evidence.storage import blob_name, open_blob
from sanxiang.ledger.models import LedgerEntry
from sanxiang.review.prechecks import prechecks
from tests.cases.conftest import attach_record, evidence_on_disk, ready_case
from tests.conftest import prepare_step


@pytest.fixture(autouse=True)
def _evidence_store(settings, tmp_path):
    evidence_on_disk(settings, tmp_path)


@pytest.fixture
def case(staff, published):
    opened = ready_case(staff)
    registered = case_transition(actor=staff.head, case_id=opened.pk, action="register")
    return case_violation_choose(
        actor=staff.zhang, case_id=registered.pk, violation_id=sr("SR-001").pk
    )


def sr(code: str) -> Violation:
    return Violation.objects.get(benchmark__status="in_force", code=code)


def circumstance(text_part: str) -> Circumstance:
    return Circumstance.objects.get(benchmark__status="in_force", text__contains=text_part)


MITIGATING = "主动消除或者减轻"
AGGRAVATING = "拒绝、阻碍执法人员"
FIRST = "在同一区域初次违法"


def tick(staff, case, *parts: str, evidence=None) -> list[CaseCircumstance]:
    item = evidence or attach_record(staff, case)
    return case_circumstances_set(
        actor=staff.zhang,
        case_id=case.pk,
        ticks=[
            Tick(circumstance_id=circumstance(p).pk, evidence_ids=(item.pk,), note="现场照片为证")
            for p in parts
        ],
    )


# --- the rule (discretion/applicable.py) ------------------------------------------------------


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        ((), TierKind.ORDINARY),
        (("mitigating",), TierKind.LIGHTER),
        (("aggravating",), TierKind.HEAVIER),
        (("mitigating", "aggravating"), TierKind.ORDINARY),
        (("first_offence",), TierKind.NO_PENALTY),
        (("minor", "mitigating"), TierKind.NO_PENALTY),
        (("first_offence", "aggravating"), TierKind.ORDINARY),
    ],
)
def test_the_ticked_kinds_select_the_tier_kind_by_the_rules_table(kinds, expected):
    assert tier_kind_for(kinds) == expected


def test_heavier_and_lighter_together_follow_the_benchmarks_own_rule_when_it_has_one():
    assert tier_kind_for(("mitigating", "aggravating"), both=TierKind.HEAVIER) == TierKind.HEAVIER


def test_the_suggested_amount_is_the_middle_of_the_tiers_range_rounded_to_a_hundred():
    violation = Violation(multiple_base="illegal_gains")
    fixed = Tier(violation=violation, kind=TierKind.LIGHTER, name="从轻处罚",
                 fine_min=Decimal(500), fine_max=Decimal(1450))  # fmt: skip
    assert suggested_fine(fixed).amount == Decimal(1000)  # 975 → 1000
    times = Tier(violation=violation, kind=TierKind.ORDINARY, name="一般",
                 multiple_min=Decimal(1), multiple_max=Decimal(3))  # fmt: skip
    assert suggested_fine(times, base=Decimal("1234")).amount == Decimal(2500)  # 2468 → 2500
    without = suggested_fine(times)
    assert without.amount is None and "未登记涉案金额" in without.how
    assert suggested_fine(Tier(violation=violation, kind=TierKind.NO_PENALTY)).amount is None


# --- in the case -------------------------------------------------------------------------------


def test_ticked_circumstances_with_their_evidence_show_the_tier_range_suggestion_and_why(
    client, staff, case
):
    before = LedgerEntry.objects.filter(action="cases.case.circumstances_set").count()
    item = attach_record(staff, case)
    client.force_login(staff.zhang.user)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "保存裁量情节" in page and MITIGATING in page
    pk = circumstance(MITIGATING).pk
    answer = client.post(
        reverse("cases:circumstances", args=[case.pk]),
        {"circumstance": [pk], f"evidence-{pk}": [item.pk], f"note-{pk}": "当场清理完毕"},
    )
    assert answer.status_code == 302
    row = CaseCircumstance.objects.get(case=case)
    assert list(row.evidence.all()) == [item] and row.note == "当场清理完毕"
    assert LedgerEntry.objects.filter(action="cases.case.circumstances_set").count() == before + 1
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "按情节适用" in page
    assert "罚款 500 元至 1500 元" in page
    assert "1000 元" in page  # the middle of 500–1500
    assert f"从轻减轻情节“{circumstance(MITIGATING).text}”" in page
    assert "依照裁量基准适用“从轻处罚”阶次" in page


def test_ticking_with_evidence_from_another_case_is_refused(staff, case):
    other = case_transition(actor=staff.head, case_id=ready_case(staff).pk, action="register")
    foreign = attach_record(staff, other)
    with pytest.raises(CaseRefused, match="所引的证据或文书不是本案的"):
        tick(staff, case, MITIGATING, evidence=foreign)
    assert not CaseCircumstance.objects.filter(case=case).exists()


def test_a_circumstance_needs_the_evidence_that_shows_it_and_a_handler(staff, case):
    with pytest.raises(CaseRefused, match="请为情节"):
        case_circumstances_set(
            actor=staff.zhang, case_id=case.pk,
            ticks=[Tick(circumstance_id=circumstance(MITIGATING).pk)],
        )  # fmt: skip
    item = attach_record(staff, case)
    with pytest.raises(CaseRefused):
        case_circumstances_set(
            actor=staff.wang, case_id=case.pk,
            ticks=[Tick(circumstance_id=circumstance(MITIGATING).pk, evidence_ids=(item.pk,))],
        )  # fmt: skip
    assert not CaseCircumstance.objects.filter(case=case).exists()


def test_a_circumstance_of_another_violation_is_refused(staff, published):
    opened = ready_case(staff)
    registered = case_transition(actor=staff.head, case_id=opened.pk, action="register")
    case = case_violation_choose(
        actor=staff.zhang, case_id=registered.pk, violation_id=sr("SR-002").pk
    )
    with pytest.raises(CaseRefused, match="不属于本案违法行为适用的裁量基准"):
        tick(staff, case, FIRST)  # the 首违不罚 entry is SR-001's


def test_changing_the_violation_clears_the_circumstances_not_valid_for_it(staff, case):
    tick(staff, case, MITIGATING, FIRST)
    before = LedgerEntry.objects.filter(action="cases.case.circumstances_set").count()
    case_violation_choose(actor=staff.zhang, case_id=case.pk, violation_id=sr("SR-002").pk)
    kept = [row.circumstance.text for row in CaseCircumstance.objects.filter(case=case)]
    assert kept == [circumstance(MITIGATING).text]  # general: valid for SR-002 too
    assert LedgerEntry.objects.filter(action="cases.case.circumstances_set").count() == before + 1


def _propose(staff, case, fine: str, reasons: str | None = None) -> Case:
    return case_assess(
        actor=staff.zhang, case_id=case.pk,
        assessment=Assessment(facts="在人行道堆放建材约 8 平方米。", penalty_kinds=("fine",),
                              fine_yuan=Decimal(fine), discretion_reasons=reasons),
    )  # fmt: skip


def test_a_fine_outside_the_applicable_tier_without_reasons_is_refused(client, staff, case):
    tick(staff, case, MITIGATING)  # 从轻: 500–1500
    client.force_login(staff.zhang.user)
    answer = client.post(
        reverse("cases:assess", args=[case.pk]),
        {"facts": "在人行道堆放建材。", "penalty_kinds": ["fine"], "fine_yuan": "3000"},
        HTTP_HX_REQUEST="true",
    )
    assert answer.status_code == 400
    text = answer.content.decode()
    assert "不在适用阶次“从轻处罚”的幅度" in text and "超出适用阶次的理由" in text
    assert Case.objects.get(pk=case.pk).fine_yuan is None
    _propose(staff, case, "1200")  # inside: no reasons needed
    assert Case.objects.get(pk=case.pk).fine_yuan == Decimal(1200)


def test_a_fine_outside_the_tier_with_reasons_is_flagged_to_the_reviewer(staff, case):
    tick(staff, case, MITIGATING)
    _propose(staff, case, "3000", reasons="当事人系再次违法，从轻不足以纠正。")
    check = next(c for c in prechecks(Case.objects.get(pk=case.pk)) if c.point == "discretion")
    assert check.ok is False
    assert "适用阶次：从轻处罚" in check.text and "罚款 500 元至 1500 元" in check.text
    assert "拟罚款 3000" in check.text and "当事人系再次违法" in check.text


def test_the_generated_reasoning_names_the_evidence_the_articles_and_the_tier(staff, case):
    item = attach_record(staff, case)
    tick(staff, case, AGGRAVATING, evidence=item)  # 从重: 3500–5000
    _propose(staff, case, "4200")
    text = reasoning_text(Case.objects.get(pk=case.pk))
    assert item.proves in text and item.record_id in text
    assert "《城市市容和环境卫生管理条例》第十四条" in text  # 违法依据
    assert "《城市市容和环境卫生管理条例》第三十六条" in text  # 处罚依据
    assert "“从重处罚”阶次" in text and circumstance(AGGRAVATING).text in text
    assert "罚款 4200 元在“从重处罚”阶次的幅度内" in text and "建议金额为 4200 元" not in text


def _docx_text(document) -> str:
    with open_blob(blob_name(document.docx_sha256)) as handle:
        return "\n".join(p.text for p in Document(io.BytesIO(handle.read())).paragraphs)


def test_the_officers_edit_of_the_reasoning_is_what_the_decision_prints(client, staff, case):
    tick(staff, case, MITIGATING)
    _propose(staff, case, "1000")
    for actor, action in ((staff.zhang, "conclude"), (staff.zhang, "notify"),
                          (staff.zhang, "record_statement"), (staff.head, "decide")):  # fmt: skip
        prepare_step(actor, case.pk, action)
        case_transition(actor=actor, case_id=case.pk, action=action)
    decided = Case.objects.get(pk=case.pk)
    # The inputs form offers the generated text before generation.
    client.force_login(staff.zhang.user)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "decision-reasoning" in page and "依照裁量基准，本案适用“从轻处罚”阶次" in page
    edited = reasoning_text(decided) + "\n五、另查明当事人已主动清理。"
    document = document_generate(
        actor=staff.zhang, case_id=case.pk, kind="decision", inputs={"reasoning": edited}
    )
    printed = _docx_text(document)
    assert "五、另查明当事人已主动清理。" in printed and "本机关认为：" in printed
    assert document.fields["reasoning"] == edited.strip()
    # The same inputs again: the same version (idempotent per input).
    again = document_generate(
        actor=staff.zhang, case_id=case.pk, kind="decision", inputs={"reasoning": edited}
    )
    assert again.pk == document.pk
    # Left empty, the generated text is used and kept with the version.
    generated = document_generate(actor=staff.zhang, case_id=case.pk, kind="decision", inputs={})
    assert generated.fields["reasoning"] == reasoning_text(decided)
    assert "从轻处罚" in _docx_text(generated)


def test_a_tier_the_benchmark_lacks_is_said_so_and_no_amount_is_suggested(client, staff, case):
    case = case_violation_choose(actor=staff.zhang, case_id=case.pk, violation_id=sr("SR-002").pk)
    tick(staff, case, "违法行为轻微并及时改正")  # 轻微不罚: SR-002 has no 不予处罚 tier
    client.force_login(staff.zhang.user)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "不予处罚（裁量基准未规定该阶次）" in page
    assert '<dd id="suggested-amount">—</dd>' in page


def test_a_decision_inside_another_tier_than_the_circumstances_call_for_counts_as_outside(
    staff, case
):
    from sanxiang.cases.models import DecisionDiscretion, DiscretionOutcome

    tick(staff, case, MITIGATING)  # 从轻: 500–1500; 2000 lies in 一般
    _propose(staff, case, "2000", reasons="当事人整改不彻底。")
    for actor, action in (
        (staff.zhang, "conclude"), (staff.zhang, "notify"), (staff.zhang, "record_statement"),
        (staff.head, "decide"),
    ):  # fmt: skip
        prepare_step(actor, case.pk, action)
        case_transition(actor=actor, case_id=case.pk, action=action)
    record = DecisionDiscretion.objects.get(case_id=case.pk)
    assert record.outcome == DiscretionOutcome.OUTSIDE
    assert record.tier is not None and record.tier.name == "一般处罚"
    assert any("从轻处罚" in problem for problem in record.problems)
