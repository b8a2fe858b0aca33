# ruff: noqa: F811  (fixtures imported from the tests they share)
"""情节 after 事先告知 (行政处罚法第四十四条、第四十五条): the notice keeps the 情节 it was made
with; a change in the party's favour is accepted, one against him holds the case back until a
new notice is served and 事先告知 taken again, and is refused where no new notice can be made."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sanxiang.cases.models import Case, CaseCircumstance, CaseDocument
from sanxiang.cases.services import CaseRefused, case_transition, document_generate
from sanxiang.cases.workflow.engine import TransitionRefused
from sanxiang.review.prechecks import prechecks
from tests.cases.conftest import ready_case
from tests.conftest import document_served, prepare_step
from tests.discretion.test_circumstances import (  # noqa: F401
    AGGRAVATING,
    MITIGATING,
    _docx_text,
    _evidence_store,
    _propose,
    case,
    tick,
)


def _discretion_check(case):
    return next(c for c in prechecks(Case.objects.get(pk=case.pk)) if c.point == "discretion")


def _notified(staff, case) -> Case:
    for action in ("conclude", "notify"):
        prepare_step(staff.zhang, case.pk, action)
        case_transition(actor=staff.zhang, case_id=case.pk, action=action)
    return Case.objects.get(pk=case.pk)


def test_the_notice_keeps_the_circumstances_it_was_made_with(staff, case):
    tick(staff, case, MITIGATING)
    _propose(staff, case, "1000")
    notified = _notified(staff, case)
    notice = CaseDocument.objects.get(case=notified, kind="advance_notice")
    assert [c["kind"] for c in notice.fields["circumstances"]] == ["mitigating"]
    assert notice.fields["tier_kind"] == "lighter"


def test_the_notice_states_the_circumstances_and_the_tier_in_plain_words(staff, case):
    """第四十四条: the 事先告知书 tells the party the 情节 found and the tier relied on."""
    tick(staff, case, MITIGATING, AGGRAVATING)  # both: 一般处罚 (the benchmark's rule)
    _propose(staff, case, "2000")
    notified = _notified(staff, case)
    notice = CaseDocument.objects.get(case=notified, kind="advance_notice")
    printed = _docx_text(notice)
    mitigating = next(c for c in notice.fields["circumstances"] if c["kind"] == "mitigating")
    aggravating = next(c for c in notice.fields["circumstances"] if c["kind"] == "aggravating")
    assert f"从轻、减轻处罚情节：“{mitigating['text']}”" in printed
    assert f"从重处罚情节：“{aggravating['text']}”" in printed
    assert f"拟适用“{notice.fields['tier_name']}”阶次（罚款 1500 元至 3500 元）" in printed
    for code in ("mitigating", "aggravating", "lighter", "ordinary", "heavier", "tier_kind"):
        assert code not in printed


def test_a_notice_without_circumstances_says_so_and_one_without_a_benchmark_is_silent(staff, case):
    _propose(staff, case, "2000")
    printed = _docx_text(
        CaseDocument.objects.get(case=_notified(staff, case), kind="advance_notice")
    )
    assert "本机关未认定你（单位）具有从轻、减轻或者从重处罚的情节" in printed
    assert "拟适用“一般处罚”阶次" in printed
    # No 违法行为 of a 裁量基准 chosen: no tier to speak of, no sentence.
    other = case_transition(actor=staff.head, case_id=ready_case(staff).pk, action="register")
    _propose(staff, other, "200")
    printed = _docx_text(
        CaseDocument.objects.get(case=_notified(staff, other), kind="advance_notice")
    )
    assert "阶次" not in printed and "情节" not in printed


def test_a_change_against_the_party_waits_for_a_new_notice(client, staff, case):
    tick(staff, case, MITIGATING)
    _propose(staff, case, "1000", reasons=None)
    notified = _notified(staff, case)
    # Adding a 从重 情节 the notice did not state: recorded, but the case cannot go on.
    tick(staff, notified, MITIGATING, AGGRAVATING)
    prepare_step(staff.zhang, notified.pk, "record_statement")
    case_transition(actor=staff.zhang, case_id=notified.pk, action="record_statement")
    with pytest.raises(TransitionRefused, match=r"新增从重情节.*重新办理“事先告知”"):
        case_transition(actor=staff.head, case_id=notified.pk, action="decide")
    check = _discretion_check(notified)
    assert check.ok is False and "对当事人不利的变化" in check.text
    client.force_login(staff.zhang.user)
    page = client.get(reverse("cases:detail", args=[notified.pk])).content.decode()
    assert 'id="notice-change"' in page and "新增从重情节" in page
    # A new notice stating it, served, and 事先告知 again: the case goes on.
    document_generate(
        actor=staff.zhang, case_id=notified.pk, kind="advance_notice",
        inputs={"intended_fine": "1000", "contact": "张三 0591-12345678"},
    )  # fmt: skip
    # Made but not yet served, the new notice has told the party nothing: still held back.
    assert "对当事人不利的变化" in _discretion_check(notified).text
    document_served(staff.zhang, Case.objects.get(pk=notified.pk), "advance_notice")
    case_transition(actor=staff.zhang, case_id=notified.pk, action="notify")
    check = _discretion_check(notified)
    assert "对当事人不利的变化" not in check.text


def test_a_change_in_the_partys_favour_needs_no_new_notice(staff, case):
    tick(staff, case, AGGRAVATING)
    _propose(staff, case, "4000")
    notified = _notified(staff, case)
    tick(staff, notified, MITIGATING)  # the 从重 one dropped, a 从轻 one found: lighter
    assert CaseCircumstance.objects.filter(case=notified).count() == 1
    check = _discretion_check(notified)
    assert "对当事人不利的变化" not in check.text


def test_a_change_against_the_party_is_refused_where_no_new_notice_can_be_made(staff, case):
    tick(staff, case, MITIGATING)
    _propose(staff, case, "1000")
    notified = _notified(staff, case)
    # After the party asked for a hearing, no new notice can be made in this procedure.
    Case.objects.filter(pk=notified.pk).update(state="hearing_requested")
    with pytest.raises(CaseRefused, match="已不能重新事先告知"):
        tick(staff, notified, MITIGATING, AGGRAVATING)
    assert [r.circumstance.kind for r in CaseCircumstance.objects.filter(case=notified)] == [
        "mitigating"
    ]
