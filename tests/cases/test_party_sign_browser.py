"""当事人签名 in a real Chromium on a phone (390 px): the party draws on the pad with the pointer,
the officer submits, the case page says 当事人已签名. Also looked at on a desktop (1366 px)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import Instance
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, SHOTS, confirming, log_in, phone

pytestmark = pytest.mark.e2e

# An inspection of the demo installation with its 现场检查笔录 made, handled by 张伟 and 李娜.
MAKE_RECORD = """
from datetime import date
from sanxiang.cases.models import Procedure
from sanxiang.cases.services import NewCase, case_open, document_generate, handlers_set, party_add
from sanxiang.org.models import EnforcementCategory, Officer
zhang = Officer.objects.get(user__username="zhangwei")
case = case_open(actor=zhang, new=NewCase(
    procedure=Procedure.INSPECTION, title="餐饮门店油烟排放检查（当事人签名）", source="巡查发现",
    category=EnforcementCategory.objects.get(name="城市管理"), violation_on=date(2026, 6, 9),
    clue_received_on=date(2026, 6, 9), facts="对门店油烟净化设施进行现场检查"))
party_add(actor=zhang, case_id=case.pk, kind="organisation", name="某餐饮公司",
          identifier="91440300708461136T", address="示范市人民路 88 号")
lina = Officer.objects.get(user__username="lina")
handlers_set(actor=zhang, case_id=case.pk, officers=[zhang, lina])
document = document_generate(actor=zhang, case_id=case.pk, kind="inspection_record", inputs={
    "started_at": "2026-06-09T09:30", "ended_at": "2026-06-09T10:15",
    "place": "示范市人民路 88 号某餐饮公司后厨", "present": "李某（店长）",
    "findings": "油烟净化设施未开启，排烟管道直排。"})
print(case.pk, document.pk, document.verification_code)
"""


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, as the browser tests of tests/e2e drive it."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield confirming(browser)
        browser.close()


@pytest.fixture
def record(instance: Instance) -> tuple[int, int, str]:
    out = instance.sanxiang("shell", "-c", MAKE_RECORD).stdout.split()
    return int(out[-3]), int(out[-2]), out[-1]


def no_wider_than_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width} px wide"  # type: ignore[index]


def draw(page: Page) -> None:
    """A signature drawn with the pointer: two strokes across the pad."""
    box = page.locator("#sign-pad").bounding_box()
    assert box is not None
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    for start, points in (
        ((0.15, 0.6), [(0.2 + i * 0.03, 0.6 - (i % 4) * 0.08) for i in range(12)]),
        ((0.55, 0.4), [(0.55 + i * 0.025, 0.4 + (i % 3) * 0.1) for i in range(12)]),
    ):
        page.mouse.move(x + w * start[0], y + h * start[1])
        page.mouse.down()
        for px, py in points:
            page.mouse.move(x + w * px, y + h * py, steps=3)
        page.mouse.up()


def test_the_party_signs_on_the_officers_phone_and_the_case_page_says_so(
    server: str, chromium: Browser, record: tuple[int, int, str]
) -> None:
    case_id, document_id, code = record
    context = phone(chromium)
    page = context.new_page()
    log_in(page, server, "zhangwei")
    page.goto(f"{server}/office/cases/{case_id}/#documents")
    row = page.locator(f"#party-signature-{document_id}")
    expect(row).to_contain_text("未签名")
    row.get_by_role("link", name="当事人签名").click()

    expect(page.get_by_role("heading", name="当事人签名", exact=True)).to_be_visible()
    expect(page.locator("#sign-submit")).to_be_disabled()
    no_wider_than_the_screen(page)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "party-sign-390-empty.png"), full_page=True)
    draw(page)
    expect(page.locator("#sign-hint")).to_contain_text("已签名")
    page.screenshot(path=str(SHOTS / "party-sign-390-drawn.png"), full_page=True)
    # The clear button starts again; the pad is drawn on once more.
    page.locator("#sign-clear").click()
    expect(page.locator("#sign-submit")).to_be_disabled()
    draw(page)
    page.locator("#sign-submit").click()

    expect(page.locator(".messages")).to_contain_text("已记录当事人在现场检查笔录上的签名")
    expect(page.locator(f"#party-signature-{document_id}")).to_contain_text("当事人已签名")
    no_wider_than_the_screen(page)
    page.locator("#documents").screenshot(path=str(SHOTS / "party-sign-390-case.png"))

    # Signed once: the page now says so, and offers no pad.
    page.goto(f"{server}/office/cases/{case_id}/documents/{document_id}/sign")
    expect(page.locator("#sign-status")).to_contain_text("当事人已签名")
    expect(page.locator("#sign-pad")).to_have_count(0)

    # The document's public 核验 page says so, with the image's hash and without the image.
    page.goto(f"{server}/gongshi/documents/{code}/")
    proof = page.locator("#proof-party-signature")
    expect(proof).to_contain_text("签名情况：已签名")
    expect(proof.locator("img")).to_have_count(0)
    no_wider_than_the_screen(page)
    proof.screenshot(path=str(SHOTS / "party-sign-390-verify.png"))
    context.close()


def test_the_signing_page_on_a_desktop(
    server: str, chromium: Browser, record: tuple[int, int, str]
) -> None:
    case_id, document_id, _code = record
    context = chromium.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    log_in(page, server, "lina")
    page.goto(f"{server}/office/cases/{case_id}/documents/{document_id}/sign")
    expect(page.get_by_role("heading", name="当事人签名", exact=True)).to_be_visible()
    no_wider_than_the_screen(page)
    page.screenshot(path=str(SHOTS / "party-sign-1366.png"), full_page=True)
    page.get_by_text("当事人拒绝签名", exact=True).click()
    expect(page.get_by_label("见证人姓名")).to_be_visible()
    page.screenshot(path=str(SHOTS / "party-sign-1366-refusal.png"), full_page=True)
    context.close()
