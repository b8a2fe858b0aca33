"""The 三项制度工作指标体系 scorecard: the 170 items as data, computed items from the records with
their figures and drill-down, manual scores and overrides by the body's 监督人员 (each a ledger
event, always with a reason), totals per 一级指标, the comparison over the body's agencies and
the Excel exports."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from sanxiang.disclosure.models import Publication
from sanxiang.ledger.models import LedgerEntry
from sanxiang.supervision.models import Indicator, IndicatorScore
from sanxiang.supervision.scorecard import scorecard_for
from sanxiang.supervision.scorers import SCORERS
from sanxiang.supervision.services import ScoreInput, ScoreRefused, indicator_score
from tests.cases.conftest import ready_case

YEAR = 2026
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _login(client, login: str) -> None:
    client.force_login(get_user_model().objects.get(username=login))


def _card(officer, agency_id: int):
    return scorecard_for(officer, agency_id=agency_id, year=YEAR, today=timezone.localdate())


def _item(card, number: int):
    return next(i for i in card.items if i.indicator.number == number)


@pytest.mark.django_db
def test_the_indicator_table_has_170_items_totalling_100_points_and_every_auto_key_a_scorer():
    indicators = list(Indicator.objects.order_by("number"))
    assert [i.number for i in indicators] == list(range(1, 171))
    assert sum(i.points for i in indicators) == Decimal(100)
    assert sum(i.points for i in indicators if i.primary.startswith("三、")) == Decimal(26)
    keys = {i.auto_key for i in indicators if i.auto_key}
    assert keys == set(SCORERS)
    assert all(SCORERS[k].__doc__ for k in keys)
    assert {i.scoring for i in indicators} - {f"auto:{k}" for k in keys} == {"manual", "attest"}


def test_computed_items_show_their_figures_and_score_share_of_points(
    oversight, staff, agency, general_case
):
    today, now = timezone.localdate(), timezone.now()
    base = {"kind": "penalty", "title": "公示", "decided_on": today - timedelta(days=20),
            "due_basis": "-", "fields": {}, "agency": agency, "status": "published"}  # fmt: skip
    Publication.objects.create(
        **base, case=general_case, due_on=today - timedelta(days=10),
        published_at=now - timedelta(days=12),
    )  # fmt: skip
    Publication.objects.create(
        **base, case=ready_case(staff, title="第二件"), due_on=today - timedelta(days=10),
        published_at=now - timedelta(days=2),
    )  # fmt: skip
    card = _card(oversight.supervisor, agency.pk)
    timely = _item(card, 36)
    assert timely.score == Decimal("0.5")  # 1 point × 1 of 2 on time
    assert "按期公示 1 件 / 应公示 2 件" in timely.computed.figures
    assert [row.ok for row in timely.computed.detail()] == [True, False]
    assert _item(card, 86).score == Decimal(1)  # one reviewer for four officers ≥ 5%
    assert _item(card, 164).score == Decimal("0.5")  # every officer holds a valid 执法证
    assert _item(card, 1).score is None  # manual, not yet scored


def test_the_case_evaluation_item_waits_for_a_closed_campaign(oversight, agency):
    item = _item(_card(oversight.supervisor, agency.pk), 146)
    assert item.score is None and item.computed.figures == "2026年结束的案卷评查未抽查本机关案卷"


def test_supervisor_scores_a_manual_item_with_note_and_attachment_as_a_ledger_event(
    client, oversight, agency, staff
):
    _login(client, "jiandu")
    url = reverse("supervision:scorecard-item", args=[agency.pk, 23]) + f"?year={YEAR}"
    response = client.post(
        url,
        {"score": "0.4", "note": "抽查案卷中两人未出示执法证件",
         "attachment": SimpleUploadedFile("规定.pdf", PDF, content_type="application/pdf")},
    )  # fmt: skip
    assert response.status_code == 302
    score = IndicatorScore.objects.get()
    assert score.attachment is not None
    assert (score.score, score.year, score.attachment.content_type) == (
        Decimal("0.4"), YEAR, "application/pdf",
    )  # fmt: skip
    entry = LedgerEntry.objects.get(action="supervision.indicatorscore.scored")
    assert entry.agency_id == oversight.city_body.agency_id
    card = _card(oversight.supervisor, agency.pk)
    assert _item(card, 23).score == Decimal("0.4")
    assert card.groups[0].score >= Decimal("0.4")
    page = client.get(url)
    assert "两人未出示执法证件" in page.content.decode()
    download = client.get(
        reverse("supervision:scorecard-attachment", args=[agency.pk, 23, score.pk])
        + f"?year={YEAR}"
    )
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_an_override_of_a_computed_figure_needs_a_reason_and_keeps_the_history(
    oversight, agency, staff
):
    data = ScoreInput(indicator_number=86, agency_id=agency.pk, year=YEAR,
                      score=Decimal("0.5"), note=" ")  # fmt: skip
    with pytest.raises(ScoreRefused, match="评分理由"):
        indicator_score(actor=oversight.supervisor, data=data)
    assert not IndicatorScore.objects.exists()
    assert not LedgerEntry.objects.filter(action="supervision.indicatorscore.scored").exists()
    for score, note in (("0.5", "审核人员兼职办案，不计入"), ("0.8", "复核后部分计入")):
        indicator_score(
            actor=oversight.supervisor,
            data=ScoreInput(indicator_number=86, agency_id=agency.pk, year=YEAR,
                            score=Decimal(score), note=note),
        )  # fmt: skip
    item = _item(_card(oversight.supervisor, agency.pk), 86)
    assert (item.score, item.computed_score, item.overridden) == (
        Decimal("0.8"), Decimal(1), True,
    )  # fmt: skip
    assert IndicatorScore.objects.count() == 2


@pytest.mark.parametrize(
    ("score", "year", "message"),
    [("1.5", YEAR, "得分应在"), ("-1", YEAR, "得分应在"), ("0.25", YEAR, "一位小数"),
     ("0.5", 2031, "年度应在")],
)  # fmt: skip
def test_bad_scores_are_refused_and_nothing_is_recorded(oversight, agency, score, year, message):
    data = ScoreInput(indicator_number=23, agency_id=agency.pk, year=year,
                      score=Decimal(score), note="理由充分的说明")  # fmt: skip
    with pytest.raises(ScoreRefused, match=message):
        indicator_score(actor=oversight.supervisor, data=data)
    assert not IndicatorScore.objects.exists()


def test_an_attachment_of_the_wrong_type_is_refused_in_chinese(client, oversight, agency):
    _login(client, "jiandu")
    url = reverse("supervision:scorecard-item", args=[agency.pk, 23]) + f"?year={YEAR}"
    response = client.post(
        url,
        {"score": "0.4", "note": "说明材料如下",
         "attachment": SimpleUploadedFile("a.exe", b"MZ\x90\x00" * 20)},
    )  # fmt: skip
    assert response.status_code == 400
    assert "不是可接受的格式" in response.content.decode()
    assert not IndicatorScore.objects.exists()


def test_a_supervisor_outside_the_area_neither_reads_nor_scores(client, oversight, agency):
    with pytest.raises(ScoreRefused, match="监督范围"):
        indicator_score(
            actor=oversight.county_supervisor,
            data=ScoreInput(indicator_number=1, agency_id=agency.pk, year=YEAR,
                            score=Decimal("0.1"), note="越权评分尝试"),
        )  # fmt: skip
    _login(client, "xianjiandu")
    url = reverse("supervision:scorecard", args=[agency.pk])
    assert client.get(url).status_code == 404
    item = reverse("supervision:scorecard-item", args=[agency.pk, 1])
    assert client.post(item, {"score": "0.1", "note": "越权评分尝试"}).status_code == 404
    assert not IndicatorScore.objects.exists()


def test_the_agency_head_reads_his_own_scorecard_but_may_not_score(
    client, oversight, staff, agency
):
    _login(client, "head")
    index = client.get(reverse("supervision:scorecard-index"))
    assert index.status_code == 302
    page = client.get(index["Location"])
    assert page.status_code == 200 and "得分合计" in page.content.decode()
    item = reverse("supervision:scorecard-item", args=[agency.pk, 1])
    assert "提交评分" not in client.get(item).content.decode()
    assert client.post(item, {"score": "0.5", "note": "自评满分"}).status_code == 403
    _login(client, "zhang")
    assert client.get(reverse("supervision:scorecard", args=[agency.pk])).status_code == 404


def test_the_scorecard_page_shows_totals_per_primary_and_each_item(client, oversight, agency):
    _login(client, "jiandu")
    response = client.get(reverse("supervision:scorecard", args=[agency.pk]), {"year": YEAR})
    text = response.content.decode()
    assert response.status_code == 200
    assert "一、全面推行行政执法公示制度(24分)" in text and "落实国家抚恤政策" in text
    assert text.count("scorecard-items") == 5
    assert (
        client.get(reverse("supervision:scorecard", args=[agency.pk]), {"year": "abc"}).status_code
        == 400
    )


def test_the_comparison_lists_the_body_agencies_and_both_export_to_excel(client, oversight, agency):
    _login(client, "jiandu")
    response = client.get(reverse("supervision:scorecard-index"), {"year": YEAR})
    text = response.content.decode()
    assert response.status_code == 200
    assert "测试县城市管理局" in text and "远方市城市管理局" not in text
    book = load_workbook(io.BytesIO(
        client.get(reverse("supervision:scorecard-compare-export"), {"year": YEAR}).content
    ))  # fmt: skip
    names = [row[0] for row in book.active.iter_rows(min_row=3, values_only=True)]
    assert agency.name in names and "测试县城市管理局" in names
    export = reverse("supervision:scorecard-export", args=[agency.pk])
    card = load_workbook(io.BytesIO(client.get(export, {"year": YEAR}).content))
    assert card.active.max_row == 172
    assert card["一级指标合计"].max_row == 8  # header, five 一级指标, 合计, 折合百分制


def test_the_command_prints_the_items_as_json(oversight, agency, staff):
    import json

    from django.core.management import call_command

    out = io.StringIO()
    call_command("scorecard", agency.credit_code, str(YEAR), "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert len(printed["items"]) == 170
    first = printed["items"][85]
    assert (first["number"], first["method"], first["scoring"], first["score"]) == (
        86, "computed", "auto:reviewer_ratio", 1.0,
    )  # fmt: skip
