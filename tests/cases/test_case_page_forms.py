"""The case page's small forms (延长办案期限, 缴款, 暂缓或者分期, 复议诉讼, 强制执行) are drawn
by the shared renderer: each input has its label, a required one its mark, and two forms on the
page never share an id (issue #13, Forms). What they send is unchanged
(tests/cases/test_execution.py and test_extension.py post them)."""

from __future__ import annotations

import re

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
SMALL_FORMS = ("payment_", "schedule_", "remedy", "court_", "performance_", "extension_")


def assert_labelled_and_unique(html: str) -> None:
    fields = FIELD.findall(html)
    ids = [found[2] for found in fields]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for _tag, attrs, name in fields:
        if not name.startswith(SMALL_FORMS) or 'type="hidden"' in attrs:
            continue
        if 'type="checkbox"' in attrs:  # inside its label
            assert re.search(rf'<label class="check-label"><input[^>]*id="{name}"', html), name
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
