"""Real Chromium against the real production server (``sanxiang serve``) with demo data."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import SHOTS, log_in, phone

pytestmark = pytest.mark.e2e


def test_demo_officer_logs_in_and_sees_the_office_home(server: str, page: Page) -> None:
    page.goto(f"{server}/office/")
    expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible()
    log_in(page, server, "zhangwei")
    expect(page.get_by_role("heading", name="您好，张伟")).to_be_visible()
    expect(page.locator("#certificate")).to_contain_text("99010010002")
    expect(page.locator("#certificate")).to_contain_text("有效")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "office-home.png"), full_page=True)
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible()


def test_public_checks_an_officers_certificate_on_a_phone(server: str, browser: Browser) -> None:
    context = phone(browser)
    page = context.new_page()
    page.goto(f"{server}/gongshi/")
    page.get_by_placeholder("请输入执法证号").fill("99010010002")
    page.get_by_role("button", name="查询").click()
    result = page.locator("#check-result")
    expect(result).to_contain_text("证件有效")
    expect(result).to_contain_text("张伟")
    page.get_by_placeholder("请输入执法证号").fill("99010010006")
    page.get_by_role("button", name="查询").click()
    expect(result).to_contain_text("证件无效")
    expect(result).to_contain_text("过期")
    too_wide = page.evaluate(
        "[...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).length"
    )
    assert too_wide == 0, "the portal scrolls sideways on a phone"
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "portal-check-phone.png"), full_page=True)
    context.close()


def test_static_files_are_served_by_the_production_server(server: str, page: Page) -> None:
    page.goto(f"{server}/gongshi/officers/")
    background = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert background == "rgb(164, 22, 26)", "site.css did not load"
    expect(page.locator("#officer-list")).to_contain_text("林晓")


def test_on_a_phone_the_office_menu_folds_behind_one_button(server: str, browser: Browser) -> None:
    """At 390 px the thirteen areas no longer fill the first screen above the page: 工作台 and
    全部菜单 stay in sight, the rest open from the button (a tap, or Space from the keyboard)."""
    context = phone(browser)
    page = context.new_page()
    log_in(page, server, "zhangwei")
    expect(page.get_by_role("heading", name="您好，张伟")).to_be_visible()
    nav = page.get_by_role("navigation", name="办公导航")
    mine = nav.get_by_role("link", name="我的案件", exact=True)
    expect(nav.get_by_role("link", name="工作台")).to_be_visible()
    expect(mine).to_be_hidden()
    heading = page.get_by_role("heading", name="工作台").bounding_box()
    assert heading is not None and heading["y"] < 400, heading
    nav.get_by_role("checkbox", name="显示或收起全部菜单").focus()
    page.keyboard.press("Space")
    expect(mine).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width} px wide"
    mine.click()
    expect(page).to_have_title("我的案件 · 三项制度执法平台")
    context.close()
    desk = browser.new_page(viewport={"width": 1366, "height": 900})
    log_in(desk, server, "zhangwei")
    expect(desk.get_by_role("navigation", name="办公导航").get_by_text("全部菜单")).to_be_hidden()
    expect(desk.get_by_role("link", name="我的案件", exact=True)).to_be_visible()
    desk.close()
