"""The scorecard's attested items (the agency's 负责人 files the document, the body's 监督人员
confirms or returns it), items marked not applicable (the total counts only the applicable
points and is scaled to 100), the PDF export, and the command's methods."""

from __future__ import annotations

import io
import json
import re
import subprocess
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from sanxiang.cases.documents import soffice
from sanxiang.jobs.models import Job, JobState
from sanxiang.ledger.models import LedgerEntry
from sanxiang.org.models import Unit
from sanxiang.supervision.attestation import (
    ApplicabilityInput,
    AttestationInput,
    AttestationRefused,
    ReviewInput,
    applicability_mark,
    attestation_file,
    attestation_review,
)
from sanxiang.supervision.models import (
    Applicability,
    Attestation,
    AttestationAccess,
    AttestationReview,
    Indicator,
    IndicatorScore,
)
from sanxiang.supervision.scorecard import scorecard_of
from sanxiang.supervision.services import ScoreAttachment, ScoreInput, indicator_score
from tests.conftest import make_officer

YEAR = 2026
PAGE = re.compile(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", re.MULTILINE)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RULE = 1  # 制定行政执法事前公开规定 (0.5 分, attest)
PLAN = 137  # 工作有方案 (0.2 分, attest)
MANUAL = 23  # 主动出示执法证件、表明身份 (1 分, manual)


def _login(client, login: str) -> None:
    client.force_login(get_user_model().objects.get(username=login))


def _item(agency, number: int):
    card = scorecard_of(agency, year=YEAR, today=timezone.localdate())
    return card, next(i for i in card.items if i.indicator.number == number)


def _url(name: str, agency, number: int, *more: int) -> str:
    return reverse(f"supervision:{name}", args=[agency.pk, number, *more]) + f"?year={YEAR}"


def _file(actor, agency, number=RULE, statement="本局2026年3月印发《事前公开规定》"):
    return attestation_file(
        actor=actor,
        data=AttestationInput(
            indicator_number=number, agency_id=agency.pk, year=YEAR, statement=statement,
            document=ScoreAttachment("规定.pdf", io.BytesIO(PDF)),
        ),
    )  # fmt: skip


def _review(actor, attestation, confirm=True, score=None, reason=""):
    return attestation_review(
        actor=actor,
        data=ReviewInput(
            attestation_id=attestation.pk, confirm=confirm,
            score=None if score is None else Decimal(score), reason=reason,
        ),
    )  # fmt: skip


@pytest.mark.django_db
def test_the_table_has_attested_items_for_adopted_rules_and_plans():
    attested = set(Indicator.objects.filter(scoring="attest").values_list("number", flat=True))
    assert {RULE, 55, 60, 110, PLAN} <= attested
    assert MANUAL not in attested and 9 not in attested  # 公开: the portal's own records


def test_the_head_files_the_document_it_waits_for_confirmation_and_scores_nothing(
    client, oversight, staff, agency
):
    _login(client, "head")
    response = client.post(
        _url("scorecard-attest", agency, RULE),
        {"statement": "本局2026年3月印发《行政执法事前公开规定》",
         "document": SimpleUploadedFile("事前公开规定.pdf", PDF, content_type="application/pdf")},
    )  # fmt: skip
    assert response.status_code == 302
    filed = Attestation.objects.get()
    assert (filed.document.content_type, filed.document.size) == ("application/pdf", len(PDF))
    assert len(filed.document.sha256) == 64 and filed.filed_by == staff.head
    entry = LedgerEntry.objects.get(action="supervision.attestation.filed")
    assert entry.agency_id == agency.pk
    _, item = _item(agency, RULE)
    assert (item.score, item.status, item.method) == (None, "待确认", "材料佐证")
    page = client.get(_url("scorecard-item", agency, RULE)).content.decode()
    assert "待确认" in page and "事前公开规定.pdf" in page
    assert "提交材料" not in page  # a second filing waits for the answer
    with pytest.raises(AttestationRefused, match="尚待监督人员确认"):
        _file(staff.head, agency)
    assert Attestation.objects.count() == 1


def test_the_supervisor_confirms_with_full_points_as_a_ledger_event_and_only_once(
    client, oversight, staff, agency
):
    filed = _file(staff.head, agency)
    before = scorecard_of(agency, year=YEAR, today=timezone.localdate()).score
    _login(client, "jiandu")
    response = client.post(
        _url("scorecard-attest-review", agency, RULE, filed.pk), {"decision": "confirm"}
    )
    assert response.status_code == 302
    card, item = _item(agency, RULE)
    assert item.score == Decimal("0.5") and item.status == "0.5"
    assert card.score == before + Decimal("0.5")
    entry = LedgerEntry.objects.get(action="supervision.attestationreview.confirmed")
    assert entry.agency_id == oversight.city_body.agency_id
    again = client.post(
        _url("scorecard-attest-review", agency, RULE, filed.pk), {"decision": "return",
                                                                   "reason": "再次处理"},
    )  # fmt: skip
    assert again.status_code == 400 and "不能再次处理" in again.content.decode()
    assert AttestationReview.objects.count() == 1
    with pytest.raises(AttestationRefused, match="已经监督人员确认"):
        _file(staff.head, agency)


def test_a_partial_score_needs_a_reason_and_stays_within_the_points(oversight, staff, agency):
    filed = _file(staff.head, agency)
    with pytest.raises(AttestationRefused, match="扣分理由"):
        _review(oversight.supervisor, filed, score="0.3")
    with pytest.raises(AttestationRefused, match="得分应在"):
        _review(oversight.supervisor, filed, score="0.6", reason="超过分值的评分")
    with pytest.raises(AttestationRefused, match="一位小数"):
        _review(oversight.supervisor, filed, score="0.25", reason="两位小数的评分")
    assert not AttestationReview.objects.exists()
    _review(oversight.supervisor, filed, score="0.3", reason="规定未与权责清单衔接")
    assert _item(agency, RULE)[1].score == Decimal("0.3")


def test_a_returned_filing_scores_nothing_and_the_agency_files_again(
    client, oversight, staff, agency
):
    filed = _file(staff.head, agency)
    with pytest.raises(AttestationRefused, match="退回理由"):
        _review(oversight.supervisor, filed, confirm=False, reason=" ")
    _review(oversight.supervisor, filed, confirm=False, reason="上传的是草稿，未见印发文号")
    assert LedgerEntry.objects.filter(action="supervision.attestationreview.returned").exists()
    _, item = _item(agency, RULE)
    assert (item.score, item.status) == (None, "待提交")
    _login(client, "head")
    page = client.get(_url("scorecard-item", agency, RULE)).content.decode()
    assert "未见印发文号" in page and "提交材料" in page
    second = _file(staff.head, agency, statement="已补正式印发件（测城管发〔2026〕3号）")
    _review(oversight.supervisor, second)
    assert _item(agency, RULE)[1].score == Decimal("0.5")


def test_only_the_agency_head_files_and_only_the_body_supervisor_confirms(
    client, oversight, staff, agency, django_user_model
):
    upload = {"statement": "本局印发的规定", "document": SimpleUploadedFile("a.pdf", PDF)}
    attest = _url("scorecard-attest", agency, RULE)
    for login in ("zhang", "jiandu", "xianjiandu"):  # a 执法人员, the supervisor, out of area
        _login(client, login)
        response = client.post(attest, dict(upload))
        assert response.status_code == 403, login
        assert "负责人" in response.content.decode()
    # The head of another agency (under the county body) may not file for this one.
    county_agency = oversight.county_case.agency
    user = django_user_model.objects.create_user("xianhead", password="correct horse battery")
    make_officer(unit=Unit.objects.get(agency=county_agency), name="县局长", number=None,
                 roles=("head",), user=user)  # fmt: skip
    _login(client, "xianhead")
    assert client.post(attest, dict(upload)).status_code == 403
    assert not Attestation.objects.exists()

    filed = _file(staff.head, agency)
    review = _url("scorecard-attest-review", agency, RULE, filed.pk)
    for login in ("head", "xianjiandu"):
        _login(client, login)
        assert client.post(review, {"decision": "confirm"}).status_code == 403, login
    with pytest.raises(AttestationRefused):
        _review(staff.head, filed)
    assert not AttestationReview.objects.exists()


@pytest.mark.parametrize(
    ("number", "data", "message"),
    [
        (RULE, {"statement": "说明文字",
                "document": SimpleUploadedFile("a.exe", b"MZ\x90\x00" * 20)},
         "不是可接受的格式"),
        (RULE, {"statement": "说明文字"}, "这个字段是必填项"),
        (RULE, {"statement": "  ", "document": SimpleUploadedFile("a.pdf", PDF)}, "情况说明"),
        (MANUAL, {"statement": "说明文字", "document": SimpleUploadedFile("a.pdf", PDF)},
         "不是材料佐证项"),
    ],
)  # fmt: skip
def test_bad_filings_are_refused_in_chinese_and_nothing_is_stored(
    client, oversight, staff, agency, number, data, message
):
    _login(client, "head")
    response = client.post(_url("scorecard-attest", agency, number), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Attestation.objects.exists()
    assert not LedgerEntry.objects.filter(action="supervision.attestation.filed").exists()


def test_an_attested_item_is_not_scored_through_the_manual_form(client, oversight, agency):
    _login(client, "jiandu")
    url = _url("scorecard-item", agency, RULE)
    response = client.post(url, {"score": "0.5", "note": "直接给满分"})
    assert response.status_code == 400 and "材料确认" in response.content.decode()
    assert not IndicatorScore.objects.exists()


def test_reading_the_document_is_recorded_and_refused_out_of_scope(
    client, oversight, staff, agency
):
    filed = _file(staff.head, agency)
    url = _url("scorecard-attest-document", agency, RULE, filed.pk)
    _login(client, "xianjiandu")
    assert client.get(url).status_code == 404
    assert not AttestationAccess.objects.exists()
    _login(client, "jiandu")
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    access = AttestationAccess.objects.get()
    assert (access.attestation, access.officer) == (filed, oversight.supervisor)
    wrong_item = _url("scorecard-attest-document", agency, PLAN, filed.pk)
    assert client.get(wrong_item).status_code == 404


def test_not_applicable_counts_neither_points_nor_score_and_the_total_is_scaled(
    client, oversight, staff, agency
):
    indicator_score(
        actor=oversight.supervisor,
        data=ScoreInput(indicator_number=MANUAL, agency_id=agency.pk, year=YEAR,
                        score=Decimal("0.4"), note="部分人员未出示证件"),
    )  # fmt: skip
    before, _ = _item(agency, MANUAL)
    assert (before.applicable_points, before.scaled) == (Decimal(100), before.score)
    _login(client, "jiandu")
    response = client.post(
        _url("scorecard-applicability", agency, MANUAL),
        {"applicable": "0", "reason": "本单位不直接面向相对人开展现场执法"},
    )
    assert response.status_code == 302
    mark = LedgerEntry.objects.get(action="supervision.applicability.not_applicable")
    assert mark.agency_id == oversight.city_body.agency_id
    card, item = _item(agency, MANUAL)
    assert (item.score, item.status, item.method) == (None, "不适用", "不适用")
    assert card.applicable_points == Decimal(99) and card.points == Decimal(100)
    assert card.score == before.score - Decimal("0.4")
    expected = (card.score * 100 / 99).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert card.scaled == expected and card.not_applicable == 1
    page = client.get(reverse("supervision:scorecard", args=[agency.pk]), {"year": YEAR})
    assert f"折合百分制得分：<strong>{expected}</strong>" in page.content.decode()

    # Reversible, with a reason; the same mark twice is refused.
    again = client.post(
        _url("scorecard-applicability", agency, MANUAL),
        {"applicable": "0", "reason": "重复认定不适用"},
    )
    assert again.status_code == 400 and "已被认定为不适用" in again.content.decode()
    with pytest.raises(AttestationRefused, match="理由"):
        applicability_mark(
            actor=oversight.supervisor,
            data=ApplicabilityInput(indicator_number=MANUAL, agency_id=agency.pk, year=YEAR,
                                    applicable=True, reason=""),
        )  # fmt: skip
    client.post(
        _url("scorecard-applicability", agency, MANUAL),
        {"applicable": "1", "reason": "经核实该单位有现场执法职能"},
    )
    assert LedgerEntry.objects.filter(action="supervision.applicability.applicable").exists()
    card, item = _item(agency, MANUAL)
    assert item.score == Decimal("0.4") and card.applicable_points == Decimal(100)
    assert Applicability.objects.count() == 2


def test_only_the_body_supervisor_marks_an_item_not_applicable(client, oversight, staff, agency):
    url = _url("scorecard-applicability", agency, MANUAL)
    for login in ("head", "xianjiandu"):
        _login(client, login)
        assert client.post(url, {"applicable": "0", "reason": "自认为不适用"}).status_code == 403
    _login(client, "jiandu")
    assert client.post(url, {"applicable": "maybe", "reason": "理由充分"}).status_code == 400
    assert not Applicability.objects.exists()


def test_an_item_marked_not_applicable_takes_no_filing(oversight, staff, agency):
    applicability_mark(
        actor=oversight.supervisor,
        data=ApplicabilityInput(indicator_number=PLAN, agency_id=agency.pk, year=YEAR,
                                applicable=False, reason="由上级统一制定方案"),
    )  # fmt: skip
    with pytest.raises(AttestationRefused, match="不适用"):
        _file(staff.head, agency, number=PLAN)


def test_the_command_prints_each_items_method(oversight, staff, agency):
    _file(staff.head, agency)
    applicability_mark(
        actor=oversight.supervisor,
        data=ApplicabilityInput(indicator_number=MANUAL, agency_id=agency.pk, year=YEAR,
                                applicable=False, reason="没有该项职能"),
    )  # fmt: skip
    out = io.StringIO()
    call_command("scorecard", agency.credit_code, str(YEAR), "--json", stdout=out)
    printed = json.loads(out.getvalue())
    items = {i["number"]: i for i in printed["items"]}
    assert (items[RULE]["method"], items[RULE]["status"]) == ("attested", "待确认")
    assert items[MANUAL]["method"] == "not_applicable" and items[MANUAL]["score"] is None
    assert items[2]["method"] == "attested" and items[86]["method"] == "computed"
    assert items[MANUAL - 3]["method"] == "manual"  # an item scored by hand
    assert items[146]["method"] == "computed"  # 案卷评查
    assert printed["applicable_points"] == 99.0 and printed["not_applicable"] == 1


def test_the_comparison_ranks_by_the_scaled_total(client, oversight, agency):
    applicability_mark(
        actor=oversight.supervisor,
        data=ApplicabilityInput(indicator_number=MANUAL, agency_id=agency.pk, year=YEAR,
                                applicable=False, reason="没有该项职能"),
    )  # fmt: skip
    _login(client, "jiandu")
    response = client.get(reverse("supervision:scorecard-index"), {"year": YEAR})
    rows = response.context["comparison"].rows
    assert [r.scaled for r in rows] == sorted((r.scaled for r in rows), reverse=True)
    mine = next(r for r in rows if r.agency == agency)
    assert mine.applicable_points == Decimal(99)
    assert "折合百分制" in response.content.decode()


@pytest.fixture
def synchronous(monkeypatch):
    monkeypatch.setenv("SANXIANG_BACKGROUND", "off")


def test_the_pdf_is_a4_with_the_items_and_totals_made_as_a_job(
    client, oversight, staff, agency, synchronous
):
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    _review(oversight.supervisor, _file(staff.head, agency))
    _login(client, "jiandu")
    response = client.post(reverse("supervision:scorecard-pdf", args=[agency.pk]) + "?year=2026")
    job = Job.objects.get(kind="scorecard_pdf")
    assert response.status_code == 302 and response["Location"].endswith(f"/{job.pk}/")
    assert job.state == JobState.DONE and job.agency_id == oversight.city_body.agency_id
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    pdf = b"".join(download.streaming_content) if download.streaming else download.content
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "9999", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    sizes = [(round(float(w)), round(float(h))) for w, h in PAGE.findall(info)]
    assert len(sizes) > 1 and set(sizes) == {(595, 842)}  # A4 portrait, 210 × 297 mm
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    text = re.sub(r"\s+", "", text)  # a cell's text wraps inside the cell
    assert agency.name in text and "折合百分制" in text and "材料佐证" in text
    assert "落实国家抚恤政策" in text and "制定行政执法事前公开规定" in text
    # Someone who may not read the scorecard gets no job.
    _login(client, "xianjiandu")
    refused = client.post(reverse("supervision:scorecard-pdf", args=[agency.pk]) + "?year=2026")
    assert refused.status_code == 404
    assert Job.objects.count() == 1


def test_no_one_confirms_an_attestation_of_his_own_agency_and_a_supervisor_never_files(
    oversight, django_user_model
):
    """The 司法局 is itself in its body's area: its 负责人 may file for it, but a 监督人员 of the
    same bureau may not confirm that filing, and one who is both 负责人 and 监督人员 files
    nothing (the one who confirms must not be the one who files)."""
    bureau = oversight.supervisor.unit.agency
    user = django_user_model.objects.create_user("juzhang", password="correct horse battery")
    head = make_officer(unit=Unit.objects.get(agency=bureau, name="行政执法监督科"), name="局长",
                        number=None, roles=("head",), user=user)  # fmt: skip
    filed = _file(head, bureau)
    with pytest.raises(AttestationRefused, match="本单位"):
        _review(oversight.supervisor, filed)
    assert not AttestationReview.objects.exists()

    both = oversight.supervisor
    both.roles.create(role="head")
    both = type(both).objects.get(pk=both.pk)
    with pytest.raises(AttestationRefused):
        _file(both, bureau, number=PLAN)
    assert Attestation.objects.count() == 1


def test_the_scorecard_pdf_job_is_read_only_by_those_who_may_read_that_scorecard(
    oversight, agency, django_user_model
):
    from sanxiang.jobs.selectors import JobMissing, job_get_for
    from sanxiang.jobs.services import job_request
    from sanxiang.supervision.scorecard_jobs import SCORECARD_PDF

    job = job_request(
        actor=oversight.supervisor, kind=SCORECARD_PDF,
        params={"agency_id": agency.pk, "year": YEAR},
    )  # fmt: skip
    assert job_get_for(oversight.supervisor, job.pk) == job
    # The 司法局's own 负责人 shares the job's agency but reads no supervised agency's scorecard.
    bureau = oversight.supervisor.unit.agency
    user = django_user_model.objects.create_user("juzhang2", password="correct horse battery")
    head = make_officer(unit=Unit.objects.get(agency=bureau, name="行政执法监督科"), name="局长",
                        number=None, roles=("head",), user=user)  # fmt: skip
    with pytest.raises(JobMissing):
        job_get_for(head, job.pk)
