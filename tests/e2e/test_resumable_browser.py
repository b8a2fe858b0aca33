"""A large recording sent from a phone in chunks (evidence/resumable.js, tus 1.0): a chunk lost
on the way is sent again, and after a reload the same file goes on where it stopped."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.conftest import Instance
from tests.e2e.conftest import SHOTS, days_before_today, log_in, phone
from tests.evidence.conftest import case_opened_by

pytestmark = pytest.mark.e2e

MB = 1024 * 1024
CHUNK = 5 * MB  # what the page sends (RESUMABLE_CHUNK_BYTES)


def video(tmp_path: Path) -> tuple[Path, bytes]:
    data = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00" + os.urandom(12 * MB)
    path = tmp_path / "执法记录仪录像.mp4"
    path.write_bytes(data)
    return path, data


def fill_form(page: Page, reference: str, path: Path) -> None:
    page.get_by_label("案件编号").fill(reference)
    page.get_by_label("记录形式").select_option("video")
    page.get_by_label("采集时间").fill(days_before_today(100, at="10:30"))
    page.get_by_label("采集地点").fill("示范市人民路 100 号门前")
    page.get_by_label("证明对象").fill("当事人占道经营的事实")
    page.get_by_label("采集设备").fill("执法记录仪 DSJ-001")
    page.locator("#id_file").set_input_files(str(path))


def test_a_chunk_lost_on_a_phone_is_sent_again_and_the_video_becomes_evidence(
    server: str, instance: Instance, browser: Browser, tmp_path: Path
) -> None:
    reference = case_opened_by(instance, "zhangwei")
    path, data = video(tmp_path)
    mobile = phone(browser)
    page = mobile.new_page()
    log_in(page, server, "zhangwei")
    page.goto(f"{server}/office/evidence/upload/")
    sent: list[str] = []

    def lose_the_second_chunk_once(route: Route) -> None:
        request = route.request
        if request.method == "PATCH":
            offset = request.headers.get("upload-offset", "")
            sent.append(offset)
            if offset == str(CHUNK) and sent.count(offset) == 1:
                route.abort("connectionreset")
                return
        route.continue_()

    page.route("**/office/evidence/uploads/**", lose_the_second_chunk_once)
    fill_form(page, reference, path)
    page.get_by_role("button", name="上传并登记").click()
    expect(page.locator("#upload-progress")).to_contain_text("网络中断", timeout=15_000)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "evidence-resumable-phone.png"), full_page=True)
    record = page.locator("#record")
    expect(record).to_contain_text(hashlib.sha256(data).hexdigest(), timeout=60_000)
    expect(record).to_contain_text(hashlib.new("sm3", data).hexdigest())
    assert sent == ["0", str(CHUNK), str(CHUNK), str(2 * CHUNK)]
    too_wide = page.evaluate(
        "[...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
        ".map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 5)"
    )
    assert too_wide == [], f"the page scrolls sideways on a phone: {too_wide}"
    mobile.close()


def test_after_a_reload_the_same_file_goes_on_where_it_stopped(
    server: str, instance: Instance, browser: Browser, tmp_path: Path
) -> None:
    reference = case_opened_by(instance, "zhangwei")
    path, data = video(tmp_path)
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    log_in(page, server, "zhangwei")
    page.goto(f"{server}/office/evidence/upload/")
    created: list[str] = []
    patched: list[str] = []
    offline = {"on": True}

    def network(route: Route) -> None:
        request = route.request
        if request.method == "POST":
            created.append(request.url)
        if request.method == "PATCH":
            patched.append(request.headers.get("upload-offset", ""))
            if offline["on"] and request.headers.get("upload-offset") == str(CHUNK):
                route.abort("internetdisconnected")
                return
        route.continue_()

    page.route("**/office/evidence/uploads**", network)
    fill_form(page, reference, path)
    page.get_by_role("button", name="上传并登记").click()
    expect(page.locator("#upload-progress")).to_contain_text("重试", timeout=15_000)
    expect(page.locator("#upload-progress progress")).to_have_attribute("value", str(CHUNK))
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "evidence-resumable-desk.png"), full_page=True)
    page.reload()
    offline["on"] = False
    patched.clear()
    fill_form(page, reference, path)
    page.get_by_role("button", name="上传并登记").click()
    record = page.locator("#record")
    expect(record).to_contain_text(hashlib.sha256(data).hexdigest(), timeout=60_000)
    assert len(created) == 1, "the reloaded page made a new upload instead of going on"
    assert patched == [str(CHUNK), str(2 * CHUNK)]
    context.close()
