"""The case page's forms (拟处理意见, 延长办案期限, 缴款, 暂缓或者分期, 复议诉讼, 强制执行,
申请人民法院强制执行) are drawn
by the shared renderer: each input has its label, a required one its mark, and two forms on the
page never share an id (issue #13, Forms). What they send is unchanged
(tests/cases/test_execution.py and test_extension.py post them)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from sanxiang.cases.services import case_transition
from tests.cases.conftest import ready_case
from tests.cases.test_execution import served


def page_of(client, officer, case) -> str:
    client.force_login(officer.user)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    return str(response.content.decode())


FIELD = re.compile(r'<(input|select|textarea)([^>]*)\bid="([^"]+)"')
SMALL_FORMS = (
    "payment_", "schedule_", "remedy", "court_", "performance_", "extension_", "assessment_"
)  # fmt: skip


def assert_labelled_and_unique(html: str) -> None:
    fields = FIELD.findall(html)
    ids = [found[2] for found in fields]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for _tag, attrs, name in fields:
        if not name.startswith(SMALL_FORMS) or 'type="hidden"' in attrs:
            continue
        if 'type="checkbox"' in attrs:  # inside its label
            assert re.search(rf'<label[^>]*>\s*<input[^>]*id="{name}"', html), name
        else:
            assert f'for="{name}"' in html, name


def test_the_extension_form_is_drawn_with_labels_and_required_marks(client, staff):
    case = ready_case(staff)
    case_transition(actor=staff.head, case_id=case.pk, action="register")
    html = page_of(client, staff.head, case)
    assert '<label class="field-label" for="extension_days">延长日数' in html
    assert re.search(r'<input type="number" name="days"[^>]*required[^>]*id="extension_days"', html)
    assert 'name="collective" value="yes"' in html
    assert_labelled_and_unique(html)


@pytest.mark.dates
def test_the_execution_forms_are_drawn_with_labels_and_ids_of_their_own(
    client, staff, general_case, articles
):
    case = served(staff, general_case, articles)
    html = page_of(client, staff.head, case)
    for name, label in (
        ("payment_amount", "金额（元）"),
        ("payment_receipt_number", "缴款凭证或票据号码"),
        ("schedule_instalments", "缴纳期限和金额"),
        ("remedy_body", "复议机关或者人民法院"),
    ):
        assert f'<label class="field-label" for="{name}">{label}' in html
    # 一般程序: no 当场收缴 field; the payment form starts at today.
    assert "on_spot_reason" not in html
    assert re.search(r'name="paid_on" value="\d{4}-\d{2}-\d{2}"', html)
    assert_labelled_and_unique(html)


def test_the_proposal_form_is_drawn_from_the_case_and_sends_what_it_shows(client, staff):
    """拟处理意见 through the shared renderer: every input labelled, the case's current values
    in it, and the form posted back unchanged saves the same proposal."""
    case = ready_case(staff)
    case_transition(actor=staff.head, case_id=case.pk, action="register")
    case.refresh_from_db()
    type(case).objects.filter(pk=case.pk).update(
        violation_place="测试市人民路 8 号", fine_yuan="500.00", hearing_right=True
    )
    html = page_of(client, staff.zhang, case)
    assert '<label class="field-label" for="assessment_violation_place">违法行为地点' in html
    assert re.search(r'name="violation_place"[^>]*value="测试市人民路 8 号"', html)
    assert re.search(r'name="fine_yuan" value="500.00"', html)
    assert re.search(r'<input type="checkbox" name="hearing_right" value="yes"[^>]*checked', html)
    # No 违法行为 of a 裁量基准 chosen: no tier, so no reasons field.
    assert 'name="discretion_reasons"' not in html
    assert_labelled_and_unique(html)

    response = client.post(
        reverse("cases:assess", args=[case.pk]),
        {
            "facts": "当事人在人行道上搭建棚屋。",
            "violation_place": "测试市人民路 8 号",
            "penalty_kinds": ["fine"],
            "fine_yuan": "500.00",
            "amount_involved_yuan": "",
            "hearing_right": "yes",
        },
    )
    assert response.status_code in (200, 302)
    case.refresh_from_db()
    assert case.violation_place == "测试市人民路 8 号"
    assert str(case.fine_yuan) == "500.00" and case.hearing_right is True
    assert case.complex_or_major is False


@pytest.mark.dates
def test_the_court_application_asks_for_the_court_with_a_labelled_required_field(
    client, staff, general_case, articles
):
    import time_machine

    from tests.cases.test_execution import step

    case = served(staff, general_case, articles)
    step(staff.zhang, case, "demand", date(2026, 6, 10))
    with time_machine.travel(date(2026, 11, 23), tick=False):
        html = page_of(client, staff.head, case)
    assert '<label class="field-label" for="court_apply_court">人民法院' in html
    court = r'<input type="text" name="court"[^>]*required[^>]*id="court_apply_court"'
    assert re.search(court, html)
    assert '<label class="field-label" for="court_apply_reference">申请书文号' in html
    assert_labelled_and_unique(html)


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_a_refused_proposal_comes_back_as_typed_with_the_error_beside_its_field(
    client, staff, htmx
):
    """Issue #13: a 拟处理意见 refused (罚款 ticked without an amount) is drawn again with what
    the officer typed, not the saved proposal; the refusal stands under 罚款金额; nothing is
    saved."""
    case = ready_case(staff)
    case_transition(actor=staff.head, case_id=case.pk, action="register")
    type(case).objects.filter(pk=case.pk).update(facts="原来保存的事实。", violation_place="旧地点")
    client.force_login(staff.zhang.user)
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(
        reverse("cases:assess", args=[case.pk]),
        {
            "facts": "当事人在人民路西侧人行道摆放桌椅经营夜宵。",
            "violation_place": "测试市人民路 12 号门前",
            "penalty_kinds": ["fine"],
            "fine_yuan": "",
            "amount_involved_yuan": "3500",
        },
        **extra,
    )
    assert response.status_code == 400
    html = response.content.decode()
    facts = re.search(r'<textarea name="facts"[^>]*>(.*?)</textarea>', html, re.S)
    assert facts and facts.group(1).strip() == "当事人在人民路西侧人行道摆放桌椅经营夜宵。"
    assert re.search(r'name="violation_place"[^>]*value="测试市人民路 12 号门前"', html)
    assert re.search(r'name="amount_involved_yuan" value="3500"', html)
    assert re.search(r'<input type="checkbox" name="penalty_kinds" value="fine"[^>]*checked', html)
    # The refusal in Chinese, inside the 罚款金额 field's block (before the next field's label).
    fine_block = html[html.index('for="assessment_fine_yuan"') :]
    fine_block = fine_block[: fine_block.index('for="assessment_amount_involved_yuan"')]
    assert "拟处罚种类含罚款的，须填写罚款金额" in fine_block
    assert_labelled_and_unique(html)
    case.refresh_from_db()
    assert case.facts == "原来保存的事实。" and case.violation_place == "旧地点"
    assert case.penalty_kinds == []


def test_a_refused_amount_is_shown_as_typed_beside_its_field(client, staff):
    case = ready_case(staff)
    case_transition(actor=staff.head, case_id=case.pk, action="register")
    client.force_login(staff.zhang.user)
    response = client.post(
        reverse("cases:assess", args=[case.pk]),
        {"facts": "占道经营。", "penalty_kinds": ["fine"], "fine_yuan": "五百元"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'name="fine_yuan" value="五百元"', html)
    fine_block = html[html.index('for="assessment_fine_yuan"') :]
    assert "罚款金额不是有效的金额" in fine_block[: fine_block.index("assessment_amount_involved")]
    case.refresh_from_db()
    assert case.fine_yuan is None and case.facts != "占道经营。"
