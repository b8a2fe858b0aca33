"""站内通知 on the 工作台 in real Chromium at 1366 px and 390 px: a handler finds that the 负责人
registered his case, opens it from the notification (which is then read), and a colleague on
her phone marks all read; no page is wider than the screen and the visible text is Chinese.

Screenshots land in test-results/ (desk-notices-<width>.png)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import serving
from tests.e2e.conftest import SHOTS, log_in, own_instance, phone
from tests.e2e.test_review_flow import act, as_user, open_general_case

pytestmark = [pytest.mark.e2e, pytest.mark.dates]

TITLE = "擅自在文化路堆放建筑材料"


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An installation of its own (SQLite, demo data): the case registered here takes a case
    number that the other browser tests, sharing the session's installation, must not see."""
    instance = own_instance(tmp_path_factory, "notices-instance")
    with serving(instance) as base:
        yield base


def latin_words(page: Page) -> list[str]:
    """Words in Latin letters in what the page shows (ids, codes and English would be)."""
    return re.findall(r"[A-Za-z]{2,}", page.locator("body").inner_text())


def assert_fits(page: Page) -> None:
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= viewport, f"page is {width} px wide in a {viewport} px window"


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_notifications_on_the_desk_at_desktop_and_phone_width(own_server: str, browser: Browser):
    server = own_server
    officer = as_user(browser, server, "zhangwei")
    case_url = open_general_case(
        officer, server, title=TITLE,
        facts="当事人在文化路 12 号门前人行道堆放砂石约 3 立方米。",
        party=("person", "赵某某", "11010519491231002X", "示范市文化路 12 号"),
    )  # fmt: skip
    head = as_user(browser, server, "liuzhiqiang")
    head.goto(case_url)
    act(head, "立案")
    head.context.close()

    # 张伟 at his desk (1366 px): the notification is unread, counted in the navigation.
    officer.set_viewport_size({"width": 1366, "height": 900})
    officer.goto(f"{server}/office/")
    notices = officer.locator("#notices")
    item = notices.locator("li.notice.unread", has_text=TITLE)
    expect(item).to_have_count(1)
    expect(item).to_contain_text("负责人刘志强已办理“立案”")
    expect(officer.locator("#nav-desk .badge")).to_be_visible()
    assert_fits(officer)
    assert latin_words(officer) == []
    shoot(officer, "desk-notices-1366")
    # Opening the case from the notification marks it read.
    item.locator("form.notice-open").get_by_role("button").click()  # opened by a POST
    expect(officer).to_have_url(case_url)
    officer.goto(f"{server}/office/")
    expect(notices.locator("li.notice", has_text=TITLE)).not_to_have_class(re.compile("unread"))
    expect(notices.locator("li.notice", has_text=TITLE)).to_contain_text("已读")
    officer.context.close()

    # 李娜 on her phone (390 px): the same notification, then 全部标为已读.
    context = phone(browser)
    page = context.new_page()
    log_in(page, server, "lina")
    page.goto(f"{server}/office/")
    expect(page.locator("#notices li.notice.unread", has_text=TITLE)).to_have_count(1)
    assert_fits(page)
    assert latin_words(page) == []
    shoot(page, "desk-notices-390")
    page.locator("#notices").get_by_role("button", name="全部标为已读").click()
    expect(page.locator(".messages")).to_contain_text("条通知标为已读")
    expect(page.locator("#notices li.notice.unread")).to_have_count(0)
    expect(page.locator("#notices-title")).to_contain_text("未读 0")
    assert_fits(page)
    shoot(page, "desk-notices-read-390")
    page.goto(f"{server}/office/notifications/")
    assert_fits(page)
    assert latin_words(page) == []
    shoot(page, "notifications-list-390")
    context.close()
