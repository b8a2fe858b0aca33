"""The case page's forms answered in place (htmx, cases/views.py _answer) and without JavaScript
(a plain post and a redirect back), and its sections folding (<details>)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from sanxiang.cases.models import CaseAccess

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 5, 20), tick=False):
        yield


def notice(page: str) -> str:
    """The outcome shown with the form, and the section it is shown in."""
    before, after = page.split('id="case-notice"', 1)
    section = before.rsplit('data-fold="', 1)[1].split('"', 1)[0]
    return section + ":" + after.split(">", 1)[1].split("</p>", 1)[0]


def test_without_javascript_an_action_is_a_post_that_redirects_back_to_the_page(
    client, staff, general_case
):
    client.force_login(staff.head.user)
    response = client.post(reverse("cases:act", args=[general_case.pk]), {"action": "register"})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[general_case.pk])
    page = client.get(response["Location"]).content.decode()
    assert "已办理，案件现处于“调查取证”。" in page and 'id="case-notice"' not in page


def test_an_htmx_action_answers_with_the_page_and_the_outcome_in_its_section(
    client, staff, general_case
):
    client.force_login(staff.head.user)
    opened = CaseAccess.objects.count()
    response = client.post(
        reverse("cases:act", args=[general_case.pk]), {"action": "register"}, headers=HTMX
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert notice(page) == "actions:已办理，案件现处于“调查取证”。"
    assert '<main id="main">' in page and 'id="case-state">调查取证<' in page
    # Drawing the page again after an action is not another opening of it (案件调阅记录).
    assert CaseAccess.objects.count() == opened
    # Shown once, next to the form, not again at the top of the next page.
    assert '<ul class="messages">' not in page
    again = client.get(reverse("cases:detail", args=[general_case.pk])).content.decode()
    assert "已办理" not in again


def test_a_refused_htmx_action_comes_back_as_a_400_with_the_reason_beside_the_form(
    client, staff, general_case
):
    client.force_login(staff.zhang.user)  # 立案 is for the 负责人
    response = client.post(
        reverse("cases:act", args=[general_case.pk]), {"action": "register"}, headers=HTMX
    )
    assert response.status_code == 400
    shown = notice(response.content.decode())
    assert shown.startswith("actions:") and "须由负责人办理" in shown
    general_case.refresh_from_db()
    assert general_case.state == "clue"


def test_a_bad_basis_by_htmx_is_refused_in_its_own_section(client, staff, general_case):
    client.force_login(staff.zhang.user)
    response = client.post(
        reverse("cases:basis", args=[general_case.pk]), {"violated": ["x"]}, headers=HTMX
    )
    assert response.status_code == 400
    assert notice(response.content.decode()) == "basis:请从法律法规库中选择条款。"
    assert 'data-fold="basis" open' in response.content.decode()


def test_an_outcome_whose_section_went_away_is_shown_under_the_actions(client, staff, general_case):
    """A payment refused on a case not yet decided: its section (执行) is not on the page, so
    the reason shows under 可办理的环节."""
    client.force_login(staff.zhang.user)
    response = client.post(
        reverse("cases:payment-new", args=[general_case.pk]),
        {"paid_on": "2026-05-20", "amount": "10", "channel": "bank", "receipt_number": "R1"},
        headers=HTMX,
    )
    assert response.status_code == 400
    assert notice(response.content.decode()).startswith("actions:")


def test_every_form_of_the_page_is_sent_by_htmx_but_the_signed_approvals(
    client, staff, general_case
):
    client.force_login(staff.head.user)
    page = client.get(reverse("cases:detail", args=[general_case.pk])).content.decode()
    tags = [f.split(">", 1)[0] for f in page.split("<form")[2:]]  # [1]: the header's 退出
    signed = [t for t in tags if "data-sign" in t]
    assert signed and all("hx-post=" not in t for t in signed)  # 立案, signed by 刘志强
    plain = [t for t in tags if "data-sign" not in t]
    assert plain and all("hx-post=" in t for t in plain)
    assert 'hx-target="#main" hx-select="#main"' in page
    assert "django_htmx/htmx-2.min.js" in page


def test_the_sections_fold_and_the_one_with_the_next_step_is_open(client, staff, general_case):
    client.force_login(staff.head.user)
    page = client.get(reverse("cases:detail", args=[general_case.pk])).content.decode()
    assert '<details class="fold" data-fold="actions" open data-fold-next>' in page
    assert '<details class="fold" data-fold="timeline">' in page  # folded until asked
    assert '<details class="fold" data-fold="documents" open>' in page
    assert "<summary><h2>全过程记录</h2></summary>" in page
