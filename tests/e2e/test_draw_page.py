"""The portal's 双随机抽查 pages in real Chromium against ``sanxiang serve`` with the demo data:
a citizen opens a draw, recomputes it in the browser and is told it matches; no page is wider
than the screen. Screenshots: test-results/portal-draw-<width>.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.test_recording_list_page import DESKTOP, PHONE, fits, open_at, shoot

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_a_reader_recomputes_a_published_draw_in_the_browser(
    server: str, browser: Browser, width: int
) -> None:
    page = open_at(browser, width)
    if width == DESKTOP:  # from the portal's menu (on a phone it is folded away)
        page.goto(f"{server}/gongshi/")
        page.get_by_role("link", name="双随机抽查").first.click()
    else:
        page.goto(f"{server}/gongshi/draws/")
    expect(page.get_by_role("heading", name="双随机抽查公示")).to_be_visible()
    fits(page, width)
    page.locator("table a").first.click()
    expect(page.locator("#result")).to_contain_text("随机种子")
    page.get_by_role("button", name="在本机重新计算并核对").click()
    verdict = page.locator("#draw-verdict")
    expect(verdict).to_contain_text("本次抽取可以复现")
    expect(verdict).to_have_attribute("data-state", "match")
    fits(page, width)
    shoot(page, f"draw-{width}")
    record = page.request.get(page.url.rstrip("/") + ".json").json()
    assert record["algorithm"] == "SX-DRAW-1" and len(record["targets"]) == record["k"]
