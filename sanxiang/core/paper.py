"""The paper every generated Word document (and so its PDF) is laid out on: A4, with the
margins of GB/T 9704-2012《党政机关公文格式》5.2.1 (天头 37 mm, 订口 28 mm; the text block
156 mm × 225 mm, so a layout made for the 152 mm of US Letter still fits across).

Applied when a document is rendered, not only in the templates, so a template saved on US
Letter (python-docx's and Word's default in some locales) still comes out on A4."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from docx.enum.section import WD_ORIENT
from docx.shared import Mm

A4_WIDTH, A4_HEIGHT = Mm(210), Mm(297)
TOP, BOTTOM, LEFT, RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)


class _Sectioned(Protocol):
    @property
    def sections(self) -> Any: ...


D = TypeVar("D", bound=_Sectioned)


def a4_pages(document: D) -> D:
    """Lay every section of a python-docx ``Document`` out on A4 portrait; returns it."""
    for section in document.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = A4_WIDTH, A4_HEIGHT
        section.top_margin, section.bottom_margin = TOP, BOTTOM
        section.left_margin, section.right_margin = LEFT, RIGHT
    return document
