"""An officer on a phone registers a photo; the look is recorded; a head must give a reason."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.conftest import Instance
from tests.e2e.conftest import SHOTS, days_before_today, log_in, phone
from tests.evidence.conftest import case_opened_by

pytestmark = pytest.mark.e2e

PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(20_000)


def test_officer_registers_a_photo_on_a_phone_and_the_head_must_give_a_reason(
    server: str, instance: Instance, browser: Browser, tmp_path: Path
) -> None:
    reference = case_opened_by(instance, "zhangwei")
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(PHOTO)
    mobile = phone(browser)
    page = mobile.new_page()
    log_in(page, server, "zhangwei")
    expect(page.get_by_role("heading", name="您好，张伟")).to_be_visible()
    page.get_by_text("全部菜单").click()  # on a phone the office's areas are folded away
    page.get_by_role("link", name="证据与全过程记录").click()
    page.get_by_role("link", name="登记新记录").click()
    page.get_by_label("案件编号").fill(reference)
    page.get_by_label("记录形式").select_option("photo")
    page.get_by_label("采集时间").fill(days_before_today(100, at="10:30"))
    page.get_by_label("采集地点").fill("示范市人民路 100 号门前")
    page.get_by_label("证明对象").fill("当事人占道经营的事实")
    page.get_by_label("采集设备").fill("执法记录仪 DSJ-001")
    page.locator("#id_file").set_input_files(str(photo))
    page.get_by_role("button", name="上传并登记").click()
    record = page.locator("#record")
    expect(record).to_contain_text(hashlib.sha256(PHOTO).hexdigest())
    expect(record).to_contain_text(hashlib.new("sm3", PHOTO).hexdigest())
    expect(page.locator("#access-history")).to_contain_text("张伟")
    expect(page.locator("#record img")).to_be_visible()
    too_wide = page.evaluate(
        "[...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
        ".map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 5)"
    )
    assert too_wide == [], f"the page scrolls sideways on a phone: {too_wide}"
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "evidence-phone.png"), full_page=True)
    record_url = page.url
    mobile.close()

    desk = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    page = desk.new_page()
    log_in(page, server, "liuzhiqiang")
    expect(page.get_by_role("heading", name="您好，刘志强")).to_be_visible()
    page.goto(record_url)
    expect(page.get_by_role("heading", name="调阅", exact=False)).to_be_visible()
    page.get_by_label("调阅理由").fill("审批立案前查阅现场照片")
    page.get_by_role("button", name="确认调阅").click()
    expect(page.locator("#access-history")).to_contain_text("审批立案前查阅现场照片")
    desk.close()
