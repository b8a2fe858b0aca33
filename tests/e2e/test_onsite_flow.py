"""现场执法 on a phone: 当场处罚 from the street to the decision PDF in the party's hands."""

from __future__ import annotations

import base64

import pytest
from playwright.sync_api import Browser, FilePayload, expect

from tests.e2e.conftest import SHOTS, log_in

pytestmark = pytest.mark.e2e

# A photo as the phone's camera would give it: a real JPEG, drawn and encoded by the browser.
DRAW_JPEG = """() => {
  const canvas = document.createElement("canvas");
  canvas.width = 64; canvas.height = 48;
  const g = canvas.getContext("2d");
  g.fillStyle = "#a4161a"; g.fillRect(0, 0, 64, 48);
  g.fillStyle = "#fff"; g.fillRect(8, 8, 20, 12);
  return canvas.toDataURL("image/jpeg", 0.8).split(",")[1];
}"""


def test_officer_fines_on_the_spot_from_a_phone(server: str, browser: Browser) -> None:
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": 26.0745, "longitude": 119.2965, "accuracy": 10},
    )
    context.grant_permissions(["geolocation"], origin=server)
    page = context.new_page()
    log_in(page, server, "zhangwei")

    # a. 当场处罚 with a colleague on duty.
    page.goto(f"{server}/office/cases/onsite/")
    page.get_by_label("当场处罚").check()
    page.get_by_label("案由").fill("擅自占用城市道路摆摊经营")
    page.get_by_label("执法类别").select_option(label="城市管理")
    page.get_by_label("李娜（执法一大队）").check()
    page.get_by_role("button", name="下一步：当事人").click()

    # b. The party.
    page.get_by_label("自然人").check()
    page.get_by_label("姓名或名称").fill("王某某")
    page.get_by_label("身份证号码或统一社会信用代码").fill("11010519491231002X")
    page.get_by_label("住所或地址").fill("示范市人民路 1 号")
    page.get_by_label("联系电话").fill("13800000000")
    page.get_by_role("button", name="保存，下一步：拍照").click()

    # c. A photo, with the phone's position.
    expect(page.locator("#geo-status")).to_contain_text("已定位：26.074500")
    jpeg = base64.b64decode(page.evaluate(DRAW_JPEG))
    assert jpeg.startswith(b"\xff\xd8\xff")
    page.locator("#photos").set_input_files(
        files=[FilePayload(name="现场.jpg", mimeType="image/jpeg", buffer=jpeg)]
    )
    page.get_by_label("地点").fill("人民路 100 号门前")
    page.get_by_role("button", name="上传照片").click()
    expect(page.locator("#upload-results")).to_contain_text("现场.jpg：已登记")
    expect(page.locator("#photo-list")).to_contain_text("定位 26.074500,119.296500")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "onsite-photos-phone.png"), full_page=True)
    page.get_by_role("link", name="下一步").click()

    # d. Facts, articles (from the agency's 行政执法事项) and the fine; first above the limit.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label("违法事实").fill("当事人在人民路 100 号门前占道摆摊，经劝阻仍未改正。")
    page.locator("fieldset", has_text="违法依据").get_by_label(
        "《城市市容和环境卫生管理条例》第十四条"
    ).check()
    page.locator("fieldset", has_text="处罚依据").get_by_label(
        "《城市市容和环境卫生管理条例》第三十六条"
    ).check()
    page.get_by_label("罚款金额（元）").fill("500")
    expect(page.locator("#limit-hint")).to_contain_text("第五十一条")
    page.get_by_role("button", name="保存并核对").click()
    expect(page.locator("#limits-refusal")).to_contain_text("超过当场处罚限额")
    expect(page.locator("#limits-refusal")).to_contain_text("行政处罚法第五十一条")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "onsite-limit-phone.png"), full_page=True)
    page.get_by_label("罚款金额（元）").fill("100")
    page.get_by_role("button", name="保存并核对").click()

    # e. Confirm, decide, and hand over the 当场处罚决定书.
    expect(page.locator("#onsite-penalty")).to_have_text("罚款 100.00 元")
    page.get_by_role("button", name="当场作出处罚决定").click()
    expect(page.locator("#case-state")).to_contain_text("当场处罚决定已交付")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SHOTS / "onsite-decision-phone.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 PDF").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    context.close()
