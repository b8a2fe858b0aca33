"""From 立案 to 公示 in the browser: a handler submits for 法制审核, the reviewer finds a problem,
the handler answers, the reviewer passes, only then may the 负责人 decide; the decision is
published redacted, and a member of the public finds it by a two-character word and verifies it."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import SHOTS, days_before_today, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.dates]  # due dates counted from today

POINTS = (
    "执法主体是否合法", "执法人员是否具备执法资格", "执法程序是否合法", "案件事实是否清楚",
    "证据是否合法充分", "适用法律、法规、规章是否准确", "裁量基准运用是否适当",
    "是否超越执法机关法定权限", "执法文书是否完备、规范", "违法行为是否涉嫌犯罪、需要移送司法机关",
)  # fmt: skip


def as_user(browser: Browser, server: str, login: str) -> Page:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    log_in(page, server, login)
    return page


def act(page: Page, label: str) -> None:
    """Take a step on the case page and wait for its answer (a page drawn in place by htmx, or
    after a signed approval's plain post); no refusal is shown."""
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.get_by_role("button", name=label, exact=True).click()
    expect(page.locator(".messages .error, .case-notice.error")).to_have_count(0)


def open_general_case(
    officer: Page, server: str, *, title: str, facts: str, party: tuple[str, str, str, str]
) -> str:
    """案源登记 of a 一般程序 case through the form, with 张伟 and 李娜 as handlers; its URL."""
    kind, name, identifier, address = party
    officer.goto(f"{server}/office/cases/new/")
    officer.get_by_label("程序").select_option("penalty_general")
    officer.get_by_label("案由").fill(title)
    officer.get_by_label("执法类别").select_option(label="城市管理")
    officer.get_by_label("违法行为发生日").fill(days_before_today(30))
    officer.get_by_label("收到线索日期").fill(days_before_today(29))
    officer.get_by_label("违法事实").fill(facts)
    officer.get_by_label("当事人类型").select_option(kind)
    officer.get_by_label("当事人姓名或名称").fill(name)
    officer.get_by_label("身份证号码或统一社会信用代码").fill(identifier)
    officer.get_by_label("住所或地址").fill(address)
    officer.get_by_role("button", name="登记").click()
    officer.get_by_label("承办人").select_option(label=["张伟（执法一大队）", "李娜（执法一大队）"])
    officer.get_by_role("button", name="保存承办人").click()
    return officer.url


def open_document_form(page: Page, kind: str):
    """The case page's form for generating a document of ``kind``, opened."""
    details = page.locator(f"#doc-{kind}")
    details.locator("summary").click()
    return details.locator("form")


def write_opinion(page: Page, problem: str | None) -> None:
    form = page.locator("#opinion-form")
    for label in POINTS:
        point = form.locator("fieldset", has_text=label)
        point.get_by_label("存在问题" if label == problem else "符合", exact=True).check()
        reason = (
            "现场照片未载明拍摄时间，不足以证明违法行为持续时间"
            if label == problem
            else "经审查，符合规定"
        )
        point.get_by_role("textbox").fill(reason)
    form.get_by_label("审核结论").select_option(label="存在问题" if problem else "同意")
    form.get_by_role("textbox", name=re.compile(r"^审核意见\s*（必填）$")).fill("见逐项意见。")
    form.get_by_role("button", name="提交审核意见").click()


def test_review_with_one_problem_answered_then_passed_opens_the_decision(
    server: str, browser: Browser, tmp_path: Path
) -> None:
    officer = as_user(browser, server, "zhangwei")
    case_url = open_general_case(
        officer, server, title="擅自在人民路搭建临时棚屋",
        facts="当事人未经批准在人民路 8 号门前搭建临时棚屋约 12 平方米。",
        party=("person", "王某某", "11010519491231002X", "示范市人民路 8 号"),
    )  # fmt: skip

    head = as_user(browser, server, "liuzhiqiang")
    head.goto(case_url)
    act(head, "立案")
    expect(head.locator("#case-state")).to_have_text("调查取证")

    officer.goto(case_url)
    number = officer.locator("h1").inner_text().split(" · ")[0]
    basis = officer.locator("#basis")
    basis.get_by_label("违法依据").select_option(label="《城市市容和环境卫生管理条例》第十四条")
    basis.get_by_label("处罚依据").select_option(label="《城市市容和环境卫生管理条例》第三十六条")
    basis.get_by_role("button", name="保存依据").click()
    expect(officer.locator("#penalty-articles")).to_contain_text("第三十六条")
    proposal = officer.locator("#assessment")
    proposal.get_by_label("罚款", exact=True).check()
    proposal.get_by_label("罚款金额（元）").fill("500")
    proposal.get_by_role("button", name="保存拟处理意见").click()
    officer.get_by_role("button", name="生成立案审批表").click()
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(5000))
    officer.goto(f"{server}/office/evidence/upload/")
    officer.get_by_label("案件编号").fill(number)
    officer.get_by_label("记录形式").select_option("photo")
    officer.get_by_label("采集时间").fill(days_before_today(29, at="10:30"))
    officer.get_by_label("采集地点").fill("示范市人民路 8 号门前")
    officer.get_by_label("证明对象").fill("当事人搭建棚屋的事实")
    officer.get_by_label("采集设备").fill("执法记录仪 DSJ-001")
    officer.locator("#id_file").set_input_files(str(photo))
    officer.get_by_role("button", name="上传并登记").click()
    officer.goto(case_url)
    act(officer, "调查终结")
    # 事先告知 in writing (第四十四条): the notice made, served and its service recorded first.
    expect(officer.get_by_role("button", name="事先告知", exact=True)).to_be_disabled()
    expect(officer.locator("#why-notify")).to_contain_text("请先制作行政处罚事先告知书")
    notice = open_document_form(officer, "advance_notice")
    notice.get_by_label("拟罚款金额（元）").fill("500")
    notice.get_by_label("联系人及联系电话").fill("张伟 0311-12345678")
    notice.get_by_role("button", name="生成行政处罚事先告知书").click()
    proof = open_document_form(officer, "service_proof")
    proof.get_by_label("送达文书").select_option(label="行政处罚事先告知书")
    proof.get_by_label("受送达人").fill("王某某")
    proof.get_by_label("送达时间").fill(days_before_today(0, at="09:30"))
    proof.get_by_label("送达地点").fill("示范市人民路 8 号")
    proof.get_by_label("送达方式").select_option("直接送达")
    proof.get_by_role("button", name="生成送达回证").click()
    act(officer, "事先告知")
    # 第四十五条: what the party said (here: that he waives it) is a record, not a click.
    statement = open_document_form(officer, "statement_record")
    statement.get_by_label("陈述、申辩方式").select_option("明确放弃陈述、申辩")
    statement.get_by_label("时间").fill(days_before_today(0, at="10:00"))
    statement.get_by_label("陈述人").fill("王某某（当事人）")
    statement.get_by_role("button", name="生成陈述申辩笔录").click()
    act(officer, "记录当事人已陈述、申辩或明确放弃")
    officer.locator("#review-link").get_by_role("link").click()
    expect(officer.locator("#matched-rules")).to_contain_text("法定简易程序以外的行政处罚")
    for box in officer.locator("#materials input[type=checkbox]").all():
        box.check()
    officer.get_by_label("本人已阅读并确认以上承诺").check()
    officer.get_by_role("button", name="提交法制审核").click()
    expect(officer.locator("#review-status")).to_have_text("审核中")

    reviewer = as_user(browser, server, "zhouting")
    reviewer.get_by_role("link", name="法制审核").first.click()
    reviewer.locator("#review-queue").get_by_role("link", name=number, exact=False).click()
    expect(reviewer.locator("#prechecks")).to_contain_text("执法人员是否具备执法资格")
    write_opinion(reviewer, problem="证据是否合法充分")
    expect(reviewer.locator("#review-status")).to_have_text("退回承办机构")

    head.goto(case_url)
    # Shown, but closed until the review passes, saying why.
    expect(head.get_by_role("button", name="作出行政处罚决定")).to_be_disabled()
    expect(head.locator("#why-decide")).to_contain_text("审核通过”后方可进行“作出行政处罚决定”")

    officer.reload()
    expect(officer.locator("#round-1")).to_contain_text("现场照片未载明拍摄时间")
    answer = officer.locator("#answer-form")
    answer.get_by_label("采纳审核意见").check()
    answer.get_by_label("研究意见").fill("同意审核意见。")
    answer.get_by_label("处理情况").fill("已补充带时间水印的现场照片。")
    answer.get_by_role("button", name="答复并重新提交").click()
    expect(officer.locator("#review-status")).to_have_text("审核中")

    reviewer.reload()
    write_opinion(reviewer, problem=None)
    expect(reviewer.locator("#review-status")).to_have_text("审核通过")
    SHOTS.mkdir(exist_ok=True)
    reviewer.screenshot(path=str(SHOTS / "review-passed.png"), full_page=True)

    head.goto(case_url)
    expect(head.locator("#case-state")).to_have_text("法制审核中（审核通过）")
    expect(head.get_by_role("button", name="作出行政处罚决定")).to_be_enabled()
    act(head, "作出行政处罚决定")
    expect(head.locator("#case-state")).to_have_text("已作出决定")

    officer.goto(case_url)
    # The decision's inputs form (its 说理, prefilled) opens first.
    officer.locator("#doc-decision summary").click()
    expect(officer.locator("#id_decision-reasoning")).to_contain_text("一、证据")
    officer.get_by_role("button", name="生成行政处罚决定书").click()
    decision = officer.locator("#documents tbody tr", has_text="行政处罚决定书")
    with officer.expect_download() as download:
        decision.get_by_role("link", name="PDF").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")

    # 公示审核 by the 负责人, then a member of the public finds, reads and verifies it.
    head.goto(f"{server}/office/disclosure/")
    head.locator("#publication-queue").get_by_role("link", name="擅自在人民路搭建临时棚屋").click()
    expect(head.locator("#draft-text")).to_contain_text("王某")
    expect(head.locator("#draft-text")).not_to_contain_text("11010519491231002X")
    head.get_by_role("button", name="审核无误，公示").click()
    expect(head.locator("#publication-status")).to_have_text("已公示")

    public = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai").new_page()
    public.goto(f"{server}/gongshi/")
    public.get_by_role("link", name="执法决定公示").click()
    public.get_by_label("关键词").fill("搭建")
    public.get_by_role("button", name="查询").click()
    public.locator("#decision-list").get_by_role("link", name="擅自在人民路搭建临时棚屋").click()
    expect(public.locator("#public-text")).to_contain_text(
        "违反了《城市市容和环境卫生管理条例》第十四条"
    )
    expect(public.locator("#public-text")).not_to_contain_text("王某某")
    public.get_by_role("button", name="在本机核验").click()
    expect(public.locator("#verify-result")).to_contain_text("核验通过")
    public.screenshot(path=str(SHOTS / "decision-verified.png"), full_page=True)
