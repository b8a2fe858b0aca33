"""A 负责人 makes his signing key in his own browser and signs 立案 with it: the private key never
leaves the browser, and the case keeps the signed text and the signature."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.test_review_flow import act, as_user, open_general_case

pytestmark = pytest.mark.e2e


def test_head_registers_a_browser_key_and_signs_the_registration_of_a_case(
    server: str, browser: Browser
) -> None:
    officer = as_user(browser, server, "zhangwei")
    case_url = open_general_case(
        officer, server, title="擅自占用人行道堆放建材",
        facts="当事人在解放路 3 号人行道堆放建材约 20 平方米。",
        party=("organisation", "示范建材有限公司", "91350200MA2Y8K3L1K", "示范市解放路 3 号"),
    )  # fmt: skip

    head = as_user(browser, server, "liuzhiqiang")
    head.goto(f"{server}/office/signing-key/")
    expect(head.locator("#browser-key")).to_contain_text("尚未登记")
    # A mistyped password registers nothing, and leaves no key in the browser to sign with.
    head.get_by_label("登录密码").fill("not-my-password")
    head.get_by_role("button", name="在本浏览器生成签名密钥").click()
    expect(head.locator(".messages")).to_contain_text("登录密码不正确")
    expect(head.locator("#browser-key")).to_contain_text("尚未登记")
    head.get_by_label("登录密码").fill("sanxiang-demo")
    head.get_by_role("button", name="在本浏览器生成签名密钥").click()
    expect(head.locator(".messages")).to_contain_text("已登记新的电子签名密钥")
    expect(head.locator("#browser-key")).to_contain_text("本浏览器保存着您当前的签名密钥")

    head.goto(case_url)
    act(head, "立案")
    expect(head.locator("#case-state")).to_have_text("调查取证")
    expect(head.locator("#signatures")).to_contain_text("刘志强 签名“立案”")
