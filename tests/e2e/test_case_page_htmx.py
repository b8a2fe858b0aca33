"""The case page in real Chromium at 1366 px and 390 px: an officer scrolled down to a lower
section sends its form and stays where he was (htmx draws the page again in place, no new page
is loaded), the section shows what changed, and the sections he folds stay folded next time.

Screenshots land in test-results/ (case-page-htmx-<width>.png)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import serving
from tests.e2e.conftest import SHOTS, own_instance
from tests.e2e.test_review_flow import act, as_user, open_general_case

pytestmark = [pytest.mark.e2e, pytest.mark.dates]


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An installation of its own: the case registered here takes a case number that the other
    browser tests, sharing the session's installation, must not see."""
    instance = own_instance(tmp_path_factory, "case-page-instance")
    with serving(instance) as base:
        yield base


def scrolled_to(page: Page, selector: str) -> int:
    """Scroll so that ``selector`` sits in the middle of the window; the scroll offset."""
    page.locator(selector).scroll_into_view_if_needed()
    page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            window.scrollBy(0, box.top - window.innerHeight / 3);
        }""",
        selector,
    )
    return int(page.evaluate("window.scrollY"))


def send_and_stay(page: Page, button: str) -> None:
    """Press ``button`` in 当事人查询码 and check the page stayed: same document, same place."""
    page.evaluate(
        """() => {
            window.stayedOnThePage = true;
            window.sawBusy = false;  // the pressed button said 处理中… (office/forms.js)
            new MutationObserver(() => {
                const busy = document.querySelector("#party-code button[aria-busy]");
                if (busy && busy.textContent === "处理中…") { window.sawBusy = true; }
            }).observe(document.body, {subtree: true, childList: true, characterData: true});
        }"""
    )
    before = scrolled_to(page, "#party-code")
    assert before > 300, f"the section is not below the fold (scrollY {before})"
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator("#party-code").get_by_role("button", name=button).click()
    assert answer.value.status == 200
    assert answer.value.request.headers.get("hx-request") == "true"
    expect(page.locator("#party-code #case-notice")).to_contain_text("查询码")
    expect(page.locator("#party-code-value")).to_be_visible()
    assert page.evaluate("window.stayedOnThePage === true"), "a new page was loaded"
    assert page.evaluate("window.sawBusy"), "the button did not say 处理中…"
    after = int(page.evaluate("window.scrollY"))
    assert abs(after - before) <= 40, f"the page moved from {before} to {after}"


def test_an_action_low_on_the_case_page_keeps_the_officer_where_he_was(
    own_server: str, browser: Browser
) -> None:
    server = own_server
    officer = as_user(browser, server, "zhangwei")
    case_url = open_general_case(
        officer, server, title="擅自在解放路设置户外广告牌",
        facts="当事人未经批准在解放路 3 号门前设置户外广告牌一块。",
        party=("person", "钱某某", "11010519491231002X", "示范市解放路 3 号"),
    )  # fmt: skip
    head = as_user(browser, server, "liuzhiqiang")
    head.goto(case_url)
    act(head, "立案")
    expect(head.locator("#case-state")).to_have_text("调查取证")
    head.context.close()

    # 张伟 at his desk: 当事人查询码 is folded until he opens it; he issues the code.
    officer.set_viewport_size({"width": 1366, "height": 900})
    officer.goto(case_url)
    code = officer.locator('details[data-fold="party-code"]')
    expect(code).not_to_have_attribute("open", "")
    code.locator("summary").click()
    send_and_stay(officer, "签发查询码")
    expect(officer.locator('details[data-fold="party-code"]')).to_have_attribute("open", "")
    SHOTS.mkdir(exist_ok=True)
    officer.screenshot(path=str(SHOTS / "case-page-htmx-1366.png"))

    # He folds 文书; the next visit keeps both choices, and the next step's section is open.
    officer.locator('details[data-fold="documents"] > summary').click()
    officer.goto(case_url)
    expect(officer.locator('details[data-fold="party-code"]')).to_have_attribute("open", "")
    expect(officer.locator('details[data-fold="documents"]')).not_to_have_attribute("open", "")
    expect(officer.locator('details[data-fold="actions"]')).to_have_attribute("open", "")

    # A refusal comes back beside the form, in place (not a blank page, not the top): a fine
    # that is not an amount in 拟处理意见.
    officer.evaluate("window.stayedOnThePage = true")
    proposal = officer.locator("#assessment")
    proposal.get_by_label("罚款金额（元）").fill("五百元")
    with officer.expect_response(lambda r: r.request.method == "POST") as answer:
        proposal.get_by_role("button", name="保存拟处理意见").click()
    assert answer.value.status == 400
    expect(officer.locator("#assessment .case-notice.error")).to_contain_text("罚款金额")
    expect(officer.get_by_role("button", name="保存拟处理意见")).to_be_enabled()
    assert officer.evaluate("window.stayedOnThePage === true")
    # What he typed stays in the form, the refusal beside the field (issue #13).
    expect(proposal.get_by_label("罚款金额（元）")).to_have_value("五百元")
    expect(proposal.locator(".field-errors")).to_contain_text("罚款金额不是有效的金额")
    officer.screenshot(path=str(SHOTS / "case-page-refused-proposal-1366.png"))
    officer.set_viewport_size({"width": 390, "height": 844})
    proposal.get_by_label("罚款金额（元）").scroll_into_view_if_needed()
    width = officer.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page with the refused form is {width} px wide"
    officer.screenshot(path=str(SHOTS / "case-page-refused-proposal-390.png"))
    officer.set_viewport_size({"width": 1366, "height": 900})

    # On his phone (390 px) the same: 重新签发 keeps him where he was.
    officer.set_viewport_size({"width": 390, "height": 844})
    officer.goto(case_url)
    send_and_stay(officer, "重新签发查询码")
    expect(officer.locator("#party-code #case-notice")).to_contain_text("原查询码已作废")
    width = officer.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide"
    officer.screenshot(path=str(SHOTS / "case-page-htmx-390.png"))
    officer.screenshot(path=str(SHOTS / "case-page-htmx-390-full.png"), full_page=True)
