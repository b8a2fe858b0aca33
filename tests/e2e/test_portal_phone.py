"""The public portal on a phone (390 px) and on a desktop (1366 px), in real Chromium against
``sanxiang serve``: no page wider than the screen, a menu that folds and opens with and without
JavaScript and from the keyboard, tables that become cards with their column names, a
flowchart that zooms inside its own box, and a decision a citizen can verify in plain words.

Screenshots of every page at both widths land in test-results/ (portal-<page>-<width>.png)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.conftest import REPO, serving
from tests.e2e.conftest import SHOTS, own_instance

pytestmark = pytest.mark.e2e

PHONE, DESKTOP = 390, 1366


@dataclass(frozen=True)
class PortalSite:
    base: str
    decision: int
    withdrawn: int
    verification_code: str
    report: int
    case_number: str
    party_code: str | None


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PortalSite]:
    """An installation of its own (SQLite, demo data) with published decisions, a decision
    document and a published 年报 made through the services (tests/e2e/portal_data.py): the
    session's shared demo installation stays as the other browser tests expect it."""
    instance = own_instance(tmp_path_factory, "portal-instance")
    made = subprocess.run(
        [sys.executable, "-m", "tests.e2e.portal_data"],
        env=instance.env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    data = json.loads(made.stdout.strip().splitlines()[-1])
    with serving(instance) as base:
        yield PortalSite(base=f"{base}/gongshi", **data)


def context_at(browser: Browser, width: int, *, javascript: bool = True) -> BrowserContext:
    return browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": width, "height": 844 if width == PHONE else 900},
        is_mobile=width == PHONE,
        java_script_enabled=javascript,
    )


def portal_pages(site: PortalSite) -> dict[str, str]:
    """One URL of every kind of page the portal has (the ledger's JSON as a browser sees it:
    a page with the JSON and what it proves)."""
    return {
        "home": "/",
        "officers": "/officers/",
        "certificate-check": "/officers/check/?number=99010010002",
        "lists-subject": "/lists/subject/",
        "lists-items": "/lists/items/",
        "lists-random-checks": "/lists/random_checks/",
        "lists-guides": "/lists/guides/",
        "lists-remedies": "/lists/remedies/",
        "procedures": "/procedures/",
        "review-catalogue": "/review-catalogue/",
        "decisions": "/decisions/",
        "decision": f"/decisions/{site.decision}/",
        "decision-withdrawn": f"/decisions/{site.withdrawn}/",
        "document-verify": f"/documents/{site.verification_code}/",
        "document-unknown": "/documents/0000aaaa0000/",
        "reports": "/reports/",
        "report": f"/reports/{site.report}/",
        "party-query": "/query/",
        "ledger": "/ledger/",
        "ledger-checkpoint": "/ledger/checkpoint",
        "ledger-checkpoints": "/ledger/checkpoints",
        "ledger-proof": "/ledger/proof?index=0&size=2",
        "ledger-consistency": "/ledger/consistency?first=1&second=2",
    }


def overflow(page: Page) -> tuple[int, int]:
    """The document's width and the viewport's: the first must not exceed the second."""
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return int(width), int(viewport)


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"portal-{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_no_portal_page_is_wider_than_the_screen(
    site: PortalSite, browser: Browser, width: int
) -> None:
    context = context_at(browser, width)
    page = context.new_page()
    too_wide = {}
    for name, path in portal_pages(site).items():
        response = page.goto(site.base + path)
        expected = 404 if name == "document-unknown" else 200
        assert response is not None and response.status == expected, (name, response)
        document_width, viewport = overflow(page)
        assert viewport == width, f"{name} is laid out {viewport} px wide (no viewport meta?)"
        if document_width > viewport:
            too_wide[name] = document_width
        shoot(page, f"{name}-{width}")
    context.close()
    assert too_wide == {}, f"pages wider than {width} px: {too_wide}"


def test_party_case_page_fits_a_phone(site: PortalSite, browser: Browser) -> None:
    assert site.party_code, "the decision printed no 查询码"
    context = context_at(browser, PHONE)
    page = context.new_page()
    page.goto(f"{site.base}/query/")
    page.get_by_label("案件编号").fill(site.case_number)
    page.get_by_label("查询码").fill(site.party_code)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#party-documents")).to_contain_text("行政处罚决定书")
    expect(page.locator("#party-documents td[data-label='核验码']").first).to_be_visible()
    assert overflow(page)[0] <= PHONE
    shoot(page, f"party-case-{PHONE}")
    context.close()


def menu_links(page: Page) -> Locator:
    return page.locator("#portal-menu")


def test_the_menu_folds_on_a_phone_and_opens_with_a_tap(site: PortalSite, browser: Browser) -> None:
    context = context_at(browser, PHONE)
    page = context.new_page()
    page.goto(f"{site.base}/")
    expect(menu_links(page)).to_be_hidden()
    page.locator("label.menu-button").click()
    expect(menu_links(page)).to_be_visible()
    shoot(page, f"menu-open-{PHONE}")
    page.get_by_role("link", name="执法决定公示").click()
    expect(page.get_by_role("heading", name="执法决定公示")).to_be_visible()
    expect(menu_links(page)).to_be_hidden()  # folded again on the next page
    context.close()


def test_the_menu_opens_from_the_keyboard(site: PortalSite, browser: Browser) -> None:
    context = context_at(browser, PHONE)
    page = context.new_page()
    page.goto(f"{site.base}/")
    page.keyboard.press("Tab")  # the site's name
    page.keyboard.press("Tab")  # the menu toggle
    toggle = page.get_by_role("checkbox", name="显示或收起菜单")
    expect(toggle).to_be_focused()
    outline = page.evaluate(
        "getComputedStyle(document.querySelector('label.menu-button')).outlineStyle"
    )
    assert outline != "none", "the focused menu toggle is not shown as focused"
    page.keyboard.press("Space")
    expect(menu_links(page)).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="首页")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")
    expect(menu_links(page)).to_be_hidden()
    context.close()


def test_the_menu_opens_without_javascript(site: PortalSite, browser: Browser) -> None:
    context = context_at(browser, PHONE, javascript=False)
    page = context.new_page()
    page.goto(f"{site.base}/decisions/")
    expect(menu_links(page)).to_be_hidden()
    page.locator("label.menu-button").click()
    expect(menu_links(page)).to_be_visible()
    page.get_by_role("link", name="统计年报").click()
    expect(page.get_by_role("heading", name="行政执法统计年报")).to_be_visible()
    context.close()


def test_the_desktop_shows_the_whole_menu_and_no_toggle(site: PortalSite, browser: Browser) -> None:
    context = context_at(browser, DESKTOP)
    page = context.new_page()
    page.goto(f"{site.base}/")
    expect(menu_links(page)).to_be_visible()
    expect(page.locator("label.menu-button")).to_be_hidden()
    boxes = [link.bounding_box() for link in menu_links(page).get_by_role("link").all()]
    assert len({round(box["y"]) for box in boxes if box}) == 1, "the menu is one row at 1366 px"
    context.close()


def cell_heading(page: Page, selector: str) -> str:
    return str(
        page.evaluate(
            "(s) => getComputedStyle(document.querySelector(s), '::before').content", selector
        )
    )


def test_tables_become_cards_with_their_column_names_on_a_phone(
    site: PortalSite, browser: Browser
) -> None:
    phone = context_at(browser, PHONE).new_page()
    phone.goto(f"{site.base}/officers/")
    expect(phone.locator("#officer-list thead")).to_be_hidden()
    row = phone.locator("#officer-list tbody tr").first
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    assert cell_heading(phone, "#officer-list tbody td") == '"姓名"'
    assert cell_heading(phone, "#officer-list tbody td:nth-child(6)") == '"执法证号"'
    phone.goto(f"{site.base}/lists/items/")
    assert cell_heading(phone, "table.listing tbody td:nth-child(7)") == '"依据"'
    phone.context.close()

    desktop = context_at(browser, DESKTOP).new_page()
    desktop.goto(f"{site.base}/officers/")
    expect(desktop.locator("#officer-list thead")).to_be_visible()
    cell = desktop.locator("#officer-list tbody td").first
    assert cell.evaluate("c => getComputedStyle(c).display") == "table-cell"
    assert cell_heading(desktop, "#officer-list tbody td") in ("none", "normal")
    desktop.context.close()


def test_every_table_cell_on_the_portal_names_its_column(
    site: PortalSite, browser: Browser
) -> None:
    context = context_at(browser, PHONE)
    page = context.new_page()
    unnamed = {}
    for name, path in portal_pages(site).items():
        page.goto(site.base + path)
        missing = page.evaluate(
            "[...document.querySelectorAll('main tbody td:not([colspan])')]"
            ".filter(td => !td.hasAttribute('data-label')).length"
        )
        if missing:
            unnamed[name] = missing
    context.close()
    assert unnamed == {}, f"cells without data-label: {unnamed}"


def test_the_flowchart_zooms_inside_its_own_box(site: PortalSite, browser: Browser) -> None:
    context = context_at(browser, PHONE)
    page = context.new_page()
    page.goto(f"{site.base}/procedures/")
    chart = page.locator(".chart-zoom").first
    image = chart.locator("img")
    fitted = image.evaluate("i => i.getBoundingClientRect().width")
    assert fitted <= PHONE
    chart.locator(".when-fitted").click()
    expect(chart.locator(".when-zoomed")).to_be_visible()
    zoomed = image.evaluate("i => i.getBoundingClientRect().width")
    assert zoomed > 2 * fitted, (fitted, zoomed)
    box = chart.locator(".chart-box")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth"), "the zoomed chart does not scroll"
    box.evaluate("b => b.scrollBy(300, 400)")
    assert box.evaluate("b => [b.scrollLeft, b.scrollTop]") == [300, 400]
    assert overflow(page)[0] <= PHONE, "the zoomed chart widened the page"
    chart.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"portal-flowchart-zoomed-{PHONE}.png"))
    chart.locator(".when-zoomed").click()
    assert image.evaluate("i => i.getBoundingClientRect().width") == fitted
    # From the keyboard: the toggle takes the focus and Space zooms; the box then scrolls.
    toggle = chart.get_by_role("checkbox", name="放大行政处罚一般程序执法流程图")
    toggle.focus()
    page.keyboard.press("Space")
    expect(chart.locator(".when-zoomed")).to_be_visible()
    page.keyboard.press("Tab")
    expect(box).to_be_focused()  # a focusable region: arrow keys scroll it
    context.close()


def test_a_citizen_reads_and_verifies_a_published_decision_on_a_phone(
    site: PortalSite, browser: Browser
) -> None:
    context = context_at(browser, PHONE)
    page = context.new_page()
    page.goto(f"{site.base}/decisions/{site.decision}/")
    text = page.locator("#public-text")
    assert text.evaluate("t => getComputedStyle(t).whiteSpace") == "pre-wrap"
    assert text.evaluate("t => t.scrollWidth <= t.clientWidth"), "the decision text does not wrap"
    verification = page.locator("#verification")
    for words in ("数字指纹", "说明：", "怎样核对：", "没有被任何人改动或删除"):
        expect(verification).to_contain_text(words)
    page.get_by_role("button", name="在本机核验").click()
    result = page.locator("#verify-result")
    expect(result).to_contain_text("核验通过")
    expect(result).to_contain_text("公示以后没有被改动")
    assert overflow(page)[0] <= PHONE
    shoot(page, f"decision-verified-{PHONE}")

    page.goto(f"{site.base}/documents/{site.verification_code}/")
    check = page.locator("#document-result")
    for words in ("核验码", "数字指纹", "怎样核对", "certutil -hashfile", "shasum -a 256"):
        expect(check).to_contain_text(words)
    context.close()
