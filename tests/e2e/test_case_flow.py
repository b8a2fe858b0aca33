"""On the spot: an officer fines a street vendor, prints the PDF, and the QR page confirms it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import SHOTS, days_before_today, log_in, phone

pytestmark = pytest.mark.e2e


def open_on_spot_case(page, server: str, fine: str) -> None:
    page.goto(f"{server}/office/cases/new/")
    page.get_by_label("程序").select_option("penalty_simple")
    page.get_by_label("案由").fill("擅自占用城市道路摆摊经营")
    page.get_by_label("执法类别").select_option(label="城市管理")
    page.get_by_label("违法行为发生日").fill(days_before_today(15))
    page.get_by_label("收到线索日期").fill(days_before_today(15))
    page.get_by_label("违法事实").fill("当事人在人民路 100 号门前占道摆摊，经劝阻仍未改正。")
    page.get_by_label("罚款金额（元，当场处罚填写）").fill(fine)
    page.get_by_label("当事人姓名或名称").fill("王某某")
    page.get_by_label("身份证号码或统一社会信用代码").fill("11010519491231002X")
    page.get_by_label("住所或地址").fill("示范市人民路 1 号")
    page.get_by_role("button", name="登记").click()
    page.get_by_label("承办人").select_option(label=["张伟（执法一大队）", "李娜（执法一大队）"])
    page.get_by_role("button", name="保存承办人").click()


def test_officer_fines_on_the_spot_and_the_decision_pdf_verifies(
    server: str, browser: Browser
) -> None:
    context = phone(browser)
    page = context.new_page()
    log_in(page, server, "zhangwei")
    expect(page.get_by_role("heading", name="您好，张伟")).to_be_visible()

    open_on_spot_case(page, server, "500")
    refused = page.get_by_role("button", name="当场作出处罚决定")
    expect(refused).to_be_disabled()
    expect(page.locator("#actions")).to_contain_text("超过当场处罚限额")
    expect(page.locator("#actions")).to_contain_text("行政处罚法第五十一条")

    open_on_spot_case(page, server, "100")
    # The decision asks first; answered 取消, nothing is sent and the case stays as it was.
    page.evaluate("window.confirm = function () { return false; }")
    page.get_by_role("button", name="当场作出处罚决定").click()
    expect(page.get_by_role("button", name="当场作出处罚决定")).to_be_enabled()
    expect(page.locator("#case-state")).to_have_text("现场处置")
    page.reload()
    page.get_by_role("button", name="当场作出处罚决定").click()  # answered 确定
    expect(page.locator("#case-state")).to_have_text("当场处罚决定已交付")
    # An impatient double click makes one version, with one 核验码.
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.get_by_role("button", name="生成当场行政处罚决定书").dblclick()
    expect(page.locator("#documents tbody tr")).to_have_count(1, timeout=60_000)
    assert len([u for u in posts if "/documents/" in u]) == 1, posts
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").first.click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "case-on-spot-phone.png"), full_page=True)

    code = page.locator("#documents tbody tr").first.locator("td").nth(4).inner_text().strip()
    public = browser.new_page()
    public.goto(f"{server}/gongshi/documents/{code}/")
    expect(public.locator("#document-result")).to_contain_text("本平台出具的文书")
    expect(public.locator("#document-result")).not_to_contain_text("王某某")
    context.close()
