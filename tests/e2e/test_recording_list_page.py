"""The portal's 音像记录事项清单 and 执法人员清单 (with 性别 and 职务) in real Chromium at 390 and
1366 px against ``sanxiang serve`` with the demo data: no page wider than the screen, the rows
become cards with their column names on a phone. Screenshots land in test-results/
(portal-recording-list-<width>.png, portal-officers-gender-post-<width>.png, and the first
screen of each as …-screen.png)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import SHOTS

pytestmark = pytest.mark.e2e

PHONE, DESKTOP = 390, 1366


def open_at(browser: Browser, width: int) -> Page:
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": width, "height": 844 if width == PHONE else 900},
        is_mobile=width == PHONE,
    )
    return context.new_page()


def fits(page: Page, width: int) -> None:
    document, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert viewport == width
    assert document <= viewport, f"{page.url} is {document} px wide on a {width} px screen"


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"portal-{name}.png"), full_page=True)
    page.screenshot(path=str(SHOTS / f"portal-{name}-screen.png"))  # what one screen shows


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_the_recording_list_fits_the_screen_and_names_each_matter(
    server: str, browser: Browser, width: int
) -> None:
    page = open_at(browser, width)
    page.goto(f"{server}/gongshi/lists/items/")
    page.get_by_role("link", name="音像记录事项清单").click()
    expect(page.get_by_role("heading", name="行政执法音像记录事项清单")).to_be_visible()
    table = page.locator("table.recording-list").first
    expect(table).to_contain_text("实施查封、扣押")
    expect(table).to_contain_text("全程音像记录（全程录像）")
    expect(table).to_contain_text("听证")
    if width == PHONE:  # one card per matter, each cell with its column's name
        label = table.locator("td[data-label='记录方式']").first
        before = label.evaluate("cell => getComputedStyle(cell, '::before').content")
        assert "记录方式" in before
    fits(page, width)
    shoot(page, f"recording-list-{width}")
    if width == PHONE:  # the second agency's list, scrolled to
        page.locator("section.card h2").nth(1).scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"portal-recording-list-{width}-scrolled.png"))
    page.context.close()


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_the_officer_list_shows_gender_and_post_and_fits_the_screen(
    server: str, browser: Browser, width: int
) -> None:
    page = open_at(browser, width)
    page.goto(f"{server}/gongshi/officers/")
    row = page.locator("#officer-list tbody tr", has_text="刘志强")
    expect(row.locator("td[data-label='性别']")).to_have_text("男")
    expect(row.locator("td[data-label='职务']")).to_have_text("局长")
    if width == DESKTOP:
        expect(page.locator("#officer-list thead")).to_contain_text("性别")
        expect(page.locator("#officer-list thead")).to_contain_text("职务")
    fits(page, width)
    shoot(page, f"officers-gender-post-{width}")
    page.context.close()
