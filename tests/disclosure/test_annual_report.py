"""行政执法统计年报: a year of an agency's work, counted from the records the services made, the
three files of ``sanxiang report annual``, the head's publication and the portal page."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.urls import reverse
from openpyxl import load_workbook

from sanxiang.cases.documents import soffice
from sanxiang.cases.models import Case, NumberingRule, PenaltyKind, Procedure
from sanxiang.cases.services import Assessment, case_assess, case_transition
from sanxiang.disclosure.annual import DEFINITIONS_FILE, annual_figures, definitions
from sanxiang.disclosure.models import AnnualReport, Publication
from sanxiang.disclosure.services import (
    PublicationRefused,
    annual_snapshot,
    publication_confirm,
    publication_draft,
    publication_withdraw,
    report_publish,
)
from sanxiang.ledger.models import LedgerEntry
from tests.cases.conftest import no_penalty_on_file, ready_case, set_basis
from tests.conftest import make_officer, prepare_step

SHANGHAI = ZoneInfo("Asia/Shanghai")
REPORT_DAY = date(2026, 1, 20)  # within January, when last year's report is published


def at(y, m, d, hh=10, mm=0):
    return time_machine.travel(datetime(y, m, d, hh, mm, tzinfo=SHANGHAI), tick=False)


def step(actor, case, action):
    prepare_step(actor, case.pk, action)
    return case_transition(actor=actor, case_id=case.pk, action=action)


def opened(staff, **changes):
    today = datetime.now(SHANGHAI).date()
    return ready_case(staff, violation_on=today, clue_received_on=today, **changes)


def on_spot(staff, fine):
    return opened(staff, procedure=Procedure.PENALTY_SIMPLE, fine_yuan=Decimal(fine))


def attach(staff, case, kind, filename, data):
    from sanxiang.evidence.services import Upload, evidence_register
    from sanxiang.evidence.storage import digest_stream

    handle = io.BytesIO(data)
    return evidence_register(
        actor=staff.zhang,
        upload=Upload(handle=handle, filename=filename, digests=digest_stream(handle)),
        metadata={
            "case_number": case.number,
            "kind": kind,
            "collected_at": datetime.now(SHANGHAI),
            "location": "测试市人民路",
            "collector": staff.zhang,
            "proves": "现场执法情况",
            "device": "执法记录仪 DSJ-001",
        },
    )


def publish(staff, case):
    publication = Publication.objects.get(case=case)
    draft = publication_draft(publication)
    publication_confirm(actor=staff.head, publication_id=publication.pk, draft_sha256=draft.sha256)


def withdraw(staff, case, occurred_on):
    publication_withdraw(
        actor=staff.head, publication_id=Publication.objects.get(case=case).pk,
        reason="revoked", statement="该决定已被依法撤销。", occurred_on=occurred_on,
    )  # fmt: skip


@pytest.fixture
def year_2025(staff, articles, settings, tmp_path):
    """A small agency's 2025, made through the services as officers would make it."""
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    agency = staff.zhang.unit.agency
    NumberingRule.objects.create(agency=agency, kind="coercive", prefix="测城强措")
    NumberingRule.objects.create(agency=agency, kind="inspection", prefix="测城检")
    squad = agency.units.get(name="执法一大队")
    # Certificates that were not valid on 31 December 2025.
    make_officer(unit=squad, name="赵敏", number="99010012006", valid_until=date(2025, 6, 30))
    make_officer(unit=squad, name="钱进", number="99010012007", valid_from=date(2026, 1, 1))
    cases = {}
    with at(2025, 3, 3):  # two on-the-spot fines
        cases["s1"] = on_spot(staff, "200")
        cases["s2"] = on_spot(staff, "150")
        step(staff.zhang, cases["s1"], "decide_on_spot")
        step(staff.zhang, cases["s2"], "decide_on_spot")
    with at(2025, 3, 4):
        publish(staff, cases["s1"])  # on time (7 working days: by 12 March)
    with at(2025, 4, 1):
        publish(staff, cases["s2"])  # late
    with at(2025, 5, 6):
        withdraw(staff, cases["s1"], date(2025, 5, 6))  # on time
    with at(2025, 5, 20):
        withdraw(staff, cases["s2"], date(2025, 5, 6))  # late: due 9 May
    with at(2025, 6, 9):  # a general-procedure fine with confiscation, heard and discussed
        general = opened(staff)
        set_basis(staff, general, articles)
        step(staff.head, general, "register")
        step(staff.zhang, general, "conclude")
        case_assess(
            actor=staff.zhang, case_id=general.pk,
            assessment=Assessment(
                facts="当事人在人民路 100 号门前占道经营，违法所得 800 元",
                penalty_kinds=(PenaltyKind.FINE, PenaltyKind.CONFISCATE_GAINS),
                fine_yuan=Decimal("1000"), hearing_right=True,
            ),
        )  # fmt: skip
        step(staff.zhang, general, "notify")
        step(staff.zhang, general, "request_hearing")
        step(staff.zhang, general, "notice_hearing")
    with at(2025, 6, 19):
        general.refresh_from_db()  # its number, for filing the 听证 recording
        attach(staff, general, "audio", "听证录音.mp3", b"ID3\x04\x00\x00" + b"audio" * 40)
        step(staff.head, general, "hold_hearing")
        step(staff.head, general, "discuss")
        step(staff.head, general, "decide")
    for when, outcome in (((2025, 7, 1), "no_penalty"), ((2025, 8, 1), "transfer"),
                          ((2025, 9, 1), "withdraw")):  # fmt: skip
        with at(*when):
            case = opened(staff)
            step(staff.head, case, "register")
            if outcome == "no_penalty":
                step(staff.zhang, case, "conclude")
                no_penalty_on_file(staff.zhang, case)
            step(staff.head, case, outcome)
            cases[outcome] = case
    with at(2025, 10, 9):  # a seizure, released eleven days later
        seizure = opened(staff, procedure=Procedure.COERCIVE_MEASURE, title="扣押无照经营工具")
        set_basis(staff, seizure, articles)
        step(staff.head, seizure, "approve")
        attach(staff, seizure, "full_video", "全程录像.mp4", b"\x00\x00\x00\x18ftypmp42" * 20)
        step(staff.zhang, seizure, "enforce")
    with at(2025, 10, 20):
        step(staff.head, seizure, "release")
    with at(2025, 11, 3):  # an inspection that found nothing
        check = opened(
            staff, party_kind="organisation", party_name="某餐饮公司",
            procedure=Procedure.INSPECTION, title="餐饮门店油烟排放检查",
        )  # fmt: skip
        attach(
            staff,
            check,
            "text",
            "现场检查笔录.txt",
            "现场检查笔录：油烟净化设施运行正常。".encode(),
        )
        step(staff.zhang, check, "check")
        step(staff.zhang, check, "find_nothing")
    with at(2025, 12, 31, 20, 0):
        cases["last_evening"] = on_spot(staff, "200")
        cases["after_midnight"] = on_spot(staff, "100")
    with at(2025, 12, 31, 23, 30):  # Shanghai time: still 2025
        step(staff.zhang, cases["last_evening"], "decide_on_spot")
    with at(2026, 1, 1, 0, 30):  # 2025-12-31 16:30 UTC, but 2026 in Shanghai
        step(staff.zhang, cases["after_midnight"], "decide_on_spot")
    return agency


def values(figures):
    return {f.key: f.value for f in figures.figures}


def test_the_year_is_counted_from_the_records_in_shanghai_time(year_2025):
    figures = annual_figures(agency=year_2025, year=2025, today=REPORT_DAY)
    v = values(figures)
    # The on-the-spot fine decided at 23:30 on 31 December counts; the one at 00:30 does not.
    assert (v["acts_penalty"], v["procedure_simple"], v["procedure_general"]) == (4, 3, 1)
    assert (
        values(annual_figures(agency=year_2025, year=2026, today=REPORT_DAY))["acts_penalty"] == 1
    )
    assert v["fines_total_yuan"] == "1550.00"  # 200 + 150 + 1000 + 200
    assert (v["fine_decisions"], v["confiscation_decisions"]) == (4, 1)
    assert (v["outcome_penalty"], v["outcome_no_penalty"]) == (4, 1)
    assert (v["outcome_withdrawn"], v["outcome_transferred"]) == (1, 1)
    assert (v["hearings_held"], v["collective_discussions"]) == (1, 1)
    assert (v["acts_coercive"], v["coercive_released"], v["coercive_urgent"]) == (1, 1, 0)
    assert v["acts_inspection"] == 1
    # Five in office with a certificate valid on 31 December; 赵敏's expired, 钱进's not begun.
    assert (v["officers_total"], v["officers_certified"]) == (6, 5)
    categories = next(c for c in figures.charts if c.key == "categories")
    assert [(b.label, b.value) for b in categories.bars] == [("城市管理", 6)]


def test_publications_late_pending_and_withdrawn_are_counted(year_2025):
    v = values(annual_figures(agency=year_2025, year=2025, today=REPORT_DAY))
    # Seven decisions of 2025 to publish: four penalties, the 不予处罚 (an 执法决定 too,
    # 国办发〔2018〕118号), the seizure, the inspection.
    assert v["publications_due"] == 7
    # Both published ones count although both were later withdrawn; one was late.
    assert (v["publications_published"], v["publications_on_time"]) == (2, 1)
    # Late: the one published late, and five not published by their due date.
    assert v["publications_overdue"] == 6
    assert v["publications_on_time_rate"] == "14.3%"
    assert (v["withdrawals"], v["withdrawals_on_time"]) == (2, 1)


def test_permits_are_recorded_now_so_a_year_without_any_counts_zero(year_2025):
    # 行政许可 used to be 未记录 (no record in the system); acts records them now (issue 17).
    figures = annual_figures(agency=year_2025, year=2025, today=REPORT_DAY)
    v = values(figures)
    assert v["acts_permit"] == 0
    row = next(f for f in figures.figures if f.key == "acts_permit")
    assert row.display != "未记录"
    # 复议/诉讼 are recorded on the cases now: none were brought in this year.
    assert (v["reconsideration_litigation"], v["remedies_pending"]) == (0, 0)


def test_every_figure_cites_its_definition_and_source():
    with DEFINITIONS_FILE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["key"] for r in rows] == list(definitions())
    assert all(r["label"] and r["definition"] and r["source"] for r in rows)


def test_legal_review_figures_come_from_the_review_app(year_2025):
    figures = annual_figures(agency=year_2025, year=2025, today=REPORT_DAY)
    ratio = next(r for r in figures.review if r.label == "法制审核人员占执法人员比例")
    # Officers: 张伟, 李娜, 王强, 刘志强 and the two added; one reviewer (周婷).
    assert ratio.value == "1 / 6 = 16.7%" and ratio.met is True


def test_the_command_writes_the_page_the_workbook_and_the_pdf(year_2025, tmp_path):
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out = io.StringIO()
    call_command(
        "report", "annual", "2025", "--agency", year_2025.credit_code, "--out", str(tmp_path),
        stdout=out,
    )  # fmt: skip
    printed = out.getvalue().splitlines()
    assert len(printed) == 3
    files = {}
    for line in printed:
        path, digest = line.split("  sha256=")
        data = Path(path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest
        files[path.rsplit(".", 1)[1]] = data
    assert files["pdf"].startswith(b"%PDF") and len(files["pdf"]) > 5000
    page = files["html"].decode()
    assert "2025年度行政执法统计年报" in page and "<svg" in page and "<script" not in page
    sheet = load_workbook(io.BytesIO(files["xlsx"]))["统计年报2025"]
    rows = {row[1]: row[2] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows["行政处罚决定"] == 4
    assert rows["罚款金额合计"] == 1550
    assert rows["撤下"] == 2 and rows["按时撤下"] == 1
    assert rows["被申请行政复议、被提起行政诉讼"] == 0
    review = load_workbook(io.BytesIO(files["xlsx"]))["法制审核"]
    assert review["A2"].value == "法制审核人员占执法人员比例"


def test_the_office_page_is_for_heads_reviewers_and_supervisors_only(client, staff, year_2025):
    client.force_login(staff.zhang.user)  # a plain 执法人员
    with at(2026, 1, 20):
        assert client.get(reverse("report:annual", args=[2025])).status_code == 403
        assert client.post(reverse("report:annual-publish", args=[2025])).status_code == 403
    client.force_login(staff.zhou.user)  # 法制审核人员: sees, may not publish
    with at(2026, 1, 20):
        latest = client.get(reverse("report:annual-latest"))
        assert latest.url == reverse("report:annual", args=[2025])
        assert client.get(reverse("report:annual", args=[2027])).status_code == 404
        page = client.get(reverse("report:annual", args=[2025]))
    assert page.status_code == 200
    assert "<svg" in page.content.decode() and "确认数据无误" not in page.content.decode()
    with at(2026, 1, 20), pytest.raises(PublicationRefused, match="负责人确认"):
        report_publish(
            actor=staff.zhou, agency=year_2025, year=2025, seen_sha256=page.context["sha256"]
        )


def test_a_head_publishes_the_report_and_the_portal_shows_the_frozen_snapshot(
    client, staff, year_2025, django_assert_max_num_queries
):
    client.force_login(staff.head.user)
    with at(2026, 1, 20):
        page = client.get(reverse("report:annual", args=[2025]))
        content = page.content.decode()
        assert "确认数据无误" in content and 'id="figure-acts_penalty"' in content
        with pytest.raises(PublicationRefused, match="尚未结束"):
            report_publish(actor=staff.head, agency=year_2025, year=2026, seen_sha256="")
        with pytest.raises(PublicationRefused, match="发生了变化"):
            report_publish(actor=staff.head, agency=year_2025, year=2025, seen_sha256="0" * 64)
        response = client.post(
            reverse("report:annual-publish", args=[2025]),
            {"seen_sha256": page.context["sha256"]},
        )
        assert response.status_code == 302
        report = AnnualReport.objects.get(agency=year_2025, year=2025)
        assert hashlib.sha256(report.snapshot.encode()).hexdigest() == report.sha256
        assert LedgerEntry.objects.filter(
            action="disclosure.annual_report.published", content_sha256=report.sha256
        ).exists()
        with pytest.raises(PublicationRefused, match="已经公开"):
            report_publish(actor=staff.head, agency=year_2025, year=2025, seen_sha256=report.sha256)
    # The published snapshot is never rewritten, also not behind the services' back.
    with pytest.raises(DatabaseError), transaction.atomic():
        AnnualReport.objects.filter(pk=report.pk).update(snapshot="{}")
    # Later records do not change what was published.
    Case.objects.filter(procedure=Procedure.PENALTY_SIMPLE).update(fine_yuan=Decimal("1"))

    client.logout()
    with django_assert_max_num_queries(3):  # one query for the list, however long
        listing = client.get(reverse("portal:reports")).content.decode()
    assert "测试市城市管理综合行政执法局" in listing and "2025" in listing
    shown = client.get(reverse("portal:report", args=[report.pk])).content.decode()
    assert report.sha256 in shown and "<svg" in shown
    assert "1550.00 元" in shown and "未记录" in shown
    assert json.loads(report.snapshot)["year"] == 2025
    assert client.get(reverse("portal:report", args=[report.pk + 1])).status_code == 404


def test_the_snapshot_hash_is_what_the_head_saw(year_2025):
    figures = annual_figures(agency=year_2025, year=2025, today=REPORT_DAY)
    text, digest = annual_snapshot(figures)
    assert hashlib.sha256(text.encode()).hexdigest() == digest
    assert annual_snapshot(annual_figures(agency=year_2025, year=2025, today=REPORT_DAY))[1] == (
        digest
    )


def test_chart_labels_are_escaped_and_bars_are_proportional():
    from sanxiang.disclosure.charts import bar_chart_svg

    svg = bar_chart_svg("按执法类别", [("<script>alert(1)</script>", 4), ("城市管理", 1)])
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'width="350"' in svg and 'width="88"' in svg  # 350 px for the largest, a quarter
    assert "无数据" in bar_chart_svg("空", [])


def test_reconsideration_and_litigation_recorded_on_cases_are_counted(year_2025, staff):
    from sanxiang.cases.services import remedy_record, remedy_step_record

    decided = Case.objects.filter(
        agency=year_2025, decided_on__year=2025, state__in=("decided", "served", "executed")
    ).order_by("pk")
    first, second = decided[0], decided[1]
    with time_machine.travel(date(2025, 12, 30), tick=False):
        revoked = remedy_record(
            actor=staff.head, case_id=first.pk, kind="reconsideration",
            filed_on=date(2025, 11, 3), body="测试市人民政府",
        )  # fmt: skip
        remedy_step_record(
            actor=staff.head, case_id=first.pk, remedy_id=revoked.pk, kind="outcome",
            decided_on=date(2025, 12, 29), outcome="revoked",
        )  # fmt: skip
        remedy_record(
            actor=staff.head, case_id=second.pk, kind="litigation",
            filed_on=date(2025, 12, 1), body="测试市测试区人民法院",
        )  # fmt: skip
    v = values(annual_figures(agency=year_2025, year=2025, today=REPORT_DAY))
    assert v["reconsideration_litigation"] == 2
    assert (v["remedies_corrected"], v["remedies_upheld"], v["remedies_pending"]) == (1, 0, 1)


def test_training_hours_and_rates_come_from_the_imported_training_lists(staff):
    from sanxiang.org.training import COLUMNS, trainings_import

    agency = staff.zhang.unit.agency
    rows = [
        ("张伟", "三项制度专题", "“三项制度”专题培训", "8", "2025-03-02"),
        ("李娜", "三项制度专题", "“三项制度”专题培训", "8", "2025-03-02"),
        ("李娜", "执法办案实务", "岗位培训", "16", "2025-09-01"),
        ("周婷", "法制审核实务", "法制审核业务培训", "12.5", "2025-05-06"),
        ("王强", "执法办案实务", "岗位培训", "16", "2024-12-30"),  # another year
    ]
    lines = [",".join(COLUMNS)] + [
        f"{name},,{course},{kind},{hours},{start},{start},市司法局"
        for name, course, kind, hours, start in rows
    ]
    trainings_import(
        agency=agency, filename="t.csv", content="\n".join(lines).encode(), actor="t",
        today=REPORT_DAY,
    )  # fmt: skip
    v = values(annual_figures(agency=agency, year=2025, today=REPORT_DAY))
    assert v["training_trained"] == 3
    assert v["training_hours"] == "44.5"
    staff_count = v["officers_total"]
    assert isinstance(staff_count, int) and staff_count >= 4
    # 张伟 8 + 李娜 24 + 刘志强 0 + 王强 0 (his course was in 2024) over the enforcers
    assert v["training_hours_per_officer"] == str(
        (Decimal(32) / staff_count).quantize(Decimal("0.1"))
    )
    assert v["training_reviewers_rate"] == "100.0%"
    assert v["training_sanxiang_rate"].endswith("%") and v["training_sanxiang_rate"] != "0.0%"
