"""Every generated document is on A4 (210 × 297 mm; 595 × 842 pt in its PDF), whatever paper
its template or python-docx defaults to (US Letter): the annual report, the case documents and
the review documents, checked in the PDF by poppler's pdfinfo, an independent reader."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from docx import Document

from sanxiang.cases.documents import render_template
from sanxiang.cases.pdf import document_pdf_ensure
from sanxiang.cases.services import case_transition, document_generate
from sanxiang.evidence.storage import blob_name, open_blob
from tests.cases.conftest import evidence_on_disk
from tests.review.conftest import defaults, notified_case  # noqa: F401 - fixtures

PAGE = re.compile(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", re.MULTILINE)


def page_sizes(pdf: bytes) -> list[tuple[int, int]]:
    """Each page's size in points, rounded, as pdfinfo reads it."""
    out = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "9999", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    sizes = [(round(float(w)), round(float(h))) for w, h in PAGE.findall(out)]
    assert sizes, out
    return sizes


# Width, height, top, bottom, left and right margins in mm (Word stores twentieths of a point).
A4 = [(210, 297, 37, 35, 28, 26)]


def paper(document: Any) -> list[tuple[int, ...]]:
    return [
        tuple(
            round(length.mm)
            for length in (
                s.page_width,
                s.page_height,
                s.top_margin,
                s.bottom_margin,
                s.left_margin,
                s.right_margin,
            )
        )
        for s in document.sections
    ]


def stored(sha256: str) -> bytes:
    with open_blob(blob_name(sha256)) as handle:
        data: bytes = handle.read()
    return data


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    evidence_on_disk(settings, tmp_path)


def test_the_annual_report_pdf_is_a4_on_every_page(agency):
    from sanxiang.disclosure.annual import annual_figures
    from sanxiang.disclosure.annual_files import report_docx, report_pdf

    figures = annual_figures(agency=agency, year=2026, today=date(2026, 6, 10))
    assert set(page_sizes(report_pdf(figures))) == {(595, 842)}
    assert paper(Document(io.BytesIO(report_docx(figures)))) == A4


def test_a_case_document_pdf_is_a4(staff, on_spot_case):
    with time_machine.travel(date(2026, 5, 20), tick=False):
        case = on_spot_case("person", Decimal("150"))
        case_transition(actor=staff.zhang, case_id=case.pk, action="decide_on_spot")
        document = document_generate(actor=staff.zhang, case_id=case.pk, kind="on_spot_decision")
    document = document_pdf_ensure(document.pk)  # made after the request
    assert set(page_sizes(stored(document.pdf_sha256))) == {(595, 842)}


def test_a_review_opinion_pdf_is_a4(staff, notified_case):  # noqa: F811 - the fixture
    from sanxiang.review.documents import review_document_make
    from sanxiang.review.services import opinion_write
    from tests.review.test_review_flow import ALL_OK, submit

    review = submit(staff, notified_case)
    opinion = opinion_write(
        actor=staff.zhou, review_id=review.pk, points=ALL_OK, conclusion="agree", summary="同意"
    )
    document = review_document_make(
        actor=staff.zhou, review_id=review.pk, kind="opinion", source_id=opinion.pk
    )
    assert set(page_sizes(stored(document.pdf_sha256))) == {(595, 842)}


def test_a_template_saved_on_us_letter_is_rendered_on_a4(tmp_path: Path):
    letter = Document()  # python-docx's default paper: US Letter, 8.5 × 11 in
    assert paper(letter)[0][:2] == (216, 279)
    letter.add_paragraph("{{ title }}")
    path = tmp_path / "letter.docx"
    letter.save(str(path))
    rendered = Document(io.BytesIO(render_template(path, {"title": "测试"})))
    assert paper(rendered) == A4
