"""What officers and the public read names steps, procedures and sources in Chinese: no
procedure key, state, step or event name of the vocabularies, and no path into ``data/``, in
the visible text of the main office and portal pages, for cases in several states."""

from __future__ import annotations

import importlib
import io
import re
from datetime import date
from decimal import Decimal

from django.test import Client
from django.urls import reverse

from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.disclosure.listings import content_sha256, listing_content, listing_publish
from sanxiang.disclosure.services import publication_confirm, publication_draft
from sanxiang.ledger.events import Event
from sanxiang.org.models import ServiceGuide
from tests.core.visible import visible_text
from tests.disclosure.test_listings import add_item
from tests.disclosure.test_publications import decided
from tests.review.test_review_flow import submit

for app in ("cases", "core", "disclosure", "evidence", "ledger", "org", "review"):
    importlib.import_module(f"sanxiang.{app}.events")


def _events(cls: type[Event]) -> set[str]:
    found = {str(member.value) for member in cls}
    for sub in cls.__subclasses__():
        found |= _events(sub)
    return found


def vocabulary() -> set[str]:
    """Every code a page could leak: procedure keys, states, steps, activities, event names
    (whole and without their ``app.object.`` prefix)."""
    words: set[str] = set()
    for code, definition in PROCEDURES.items():
        words.add(code)
        words |= {str(s.value) for s in definition.state_enum}
        words |= {t.action for t in definition.transitions}
        words |= {a.name for a in definition.activities}
    for action in _events(Event):
        words |= {action, action.rsplit(".", 1)[-1]}
    # Codes are words of the program: snake_case or dotted, or long enough not to be noise.
    return {w for w in words if "_" in w or "." in w or len(w) >= 6}


VOCABULARY = vocabulary()
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_.]*[A-Za-z0-9]")
DATA_PATH = re.compile(r"\bdata/")


def leaks(page: bytes) -> list[str]:
    text = visible_text(page)
    found = [t for t in _TOKEN.findall(text) if t in VOCABULARY or t.rstrip(".") in VOCABULARY]
    return found + DATA_PATH.findall(text)


def docx_leaks(data: bytes) -> list[str]:
    from docx import Document

    document = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    found = [t for t in _TOKEN.findall(text) if t in VOCABULARY]
    return found + DATA_PATH.findall(text)


def assert_clean(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert leaks(response.content) == [], url


def test_the_vocabulary_is_what_the_check_looks_for():
    assert {"penalty_general", "party_added", "cases.case.register", "record_statement"} <= (
        VOCABULARY
    )


def test_case_and_review_pages_show_no_codes_while_a_case_is_under_review(
    client, staff, notified_case
):
    review = submit(staff, notified_case)
    client.force_login(staff.zhang.user)
    for url in (
        reverse("office:home"),
        reverse("cases:mine"),
        reverse("cases:detail", args=[notified_case.pk]),
        reverse("cases:access", args=[notified_case.pk]),
        reverse("evidence:list"),
    ):
        assert_clean(client, url)
    client.force_login(staff.zhou.user)
    for url in (
        reverse("review:queue"),
        reverse("review:detail", args=[review.pk]),  # the pre-checks list the steps taken
        reverse("cases:detail", args=[notified_case.pk]),
    ):
        assert_clean(client, url)


def test_case_pages_show_no_codes_from_opening_to_decision(
    client, staff, general_case, on_spot_case, articles
):
    client.force_login(staff.zhang.user)
    assert_clean(client, reverse("cases:detail", args=[general_case.pk]))  # just opened
    spot = on_spot_case("person", Decimal("100"))
    assert_clean(client, reverse("cases:detail", args=[spot.pk]))
    publication = decided(staff, general_case, articles)
    assert_clean(client, reverse("cases:detail", args=[general_case.pk]))  # decided
    for document in general_case.documents.all():  # the 决定书 as generated
        docx = client.get(reverse("cases:document", args=[document.pk, "docx"]))
        assert docx_leaks(docx.content) == [], document.kind
    client.force_login(staff.head.user)
    for url in (
        reverse("disclosure:queue"),
        reverse("disclosure:detail", args=[publication.pk]),
        reverse("report:annual", args=[2026]),
    ):
        assert_clean(client, url)


def test_coercive_and_inspection_case_pages_show_no_codes(
    client, staff, coercive_with_basis, inspection
):
    client.force_login(staff.zhang.user)
    assert_clean(client, reverse("cases:detail", args=[coercive_with_basis.pk]))
    assert_clean(client, reverse("cases:detail", args=[inspection.pk]))
    assert_clean(client, reverse("cases:mine"))


def test_portal_pages_show_no_codes(client, staff, agency, general_case, articles):
    publication = decided(staff, general_case, articles)
    draft = publication_draft(publication)
    publication_confirm(actor=staff.head, publication_id=publication.pk, draft_sha256=draft.sha256)
    item = add_item(agency, articles)
    ServiceGuide.objects.create(
        item=item,
        accepting_body="执法一大队",
        approving_body="测试市城市管理综合行政执法局",
        conditions="发现或者接到投诉举报",
        procedure="penalty_general",
        time_limit="立案之日起九十日内作出决定",
        supervision="监督电话 0999-12345",
        office_hours="工作日 9:00–17:00",
        address="测试市人民路 1 号",
        phone="0999-1234567",
    )
    for kind in ("items", "guides"):
        content = listing_content(agency, kind)
        listing_publish(actor=staff.head, kind=kind, expected_sha256=content_sha256(content))
    ledger = visible_text(client.get(reverse("portal:ledger")).content)
    assert "agency:" not in ledger and agency.name in ledger  # logs by name, not by key
    guides = client.get(reverse("portal:lists", args=["guides"]))
    assert "行政处罚一般程序" in visible_text(guides.content)
    for url in (
        reverse("portal:index"),
        reverse("portal:lists", args=["guides"]),
        reverse("portal:lists", args=["items"]),
        reverse("portal:procedures"),
        reverse("portal:decisions"),
        reverse("portal:decision", args=[publication.pk]),
        reverse("portal:reports"),
        reverse("portal:review-catalogue"),
        reverse("portal:party-query"),
        reverse("portal:ledger"),
    ):
        assert_clean(client, url)


def test_the_annual_report_document_cites_sources_not_files(staff, agency):
    import io

    from docx import Document

    from sanxiang.disclosure.annual import annual_figures
    from sanxiang.disclosure.annual_files import report_docx

    figures = annual_figures(agency=agency, year=2026, today=date(2026, 6, 10))
    document = Document(io.BytesIO(report_docx(figures)))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert DATA_PATH.findall(text) == [] and ".csv" not in text
    assert "国办发〔2018〕118号" in text  # the documents the figures' 依据 cite
    assert not [t for t in _TOKEN.findall(text) if t in VOCABULARY]


def test_the_case_page_names_the_signed_step_not_its_code(client, staff, general_case):
    from sanxiang.cases.models import CaseRules
    from sanxiang.cases.services import case_transition
    from sanxiang.cases.signing import approval_text
    from tests.cases.test_signatures import new_key, sign

    CaseRules.objects.create(agency=staff.head.unit.agency, approvals_signed=True)
    private = new_key(staff.head)
    signed = sign(private, approval_text(general_case, "register", staff.head))
    case_transition(actor=staff.head, case_id=general_case.pk, action="register", signed=signed)
    client.force_login(staff.zhang.user)
    page = client.get(reverse("cases:detail", args=[general_case.pk]))
    assert "签名“立案”" in visible_text(page.content)
    assert_clean(client, reverse("cases:detail", args=[general_case.pk]))


def test_every_case_event_has_a_chinese_name():
    from sanxiang.cases.events import CaseEvent, CaseStep
    from sanxiang.cases.labels import UNNAMED, case_event_label

    on_the_case = [e for e in (*CaseEvent, *CaseStep) if e.startswith("cases.case.")]
    assert on_the_case
    assert [e for e in on_the_case if case_event_label(e) == UNNAMED] == []
    assert case_event_label("review.determination.recorded") == "判定是否须经法制审核"
