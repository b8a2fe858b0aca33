"""The open-data export streams: five times the rows must not need five times the memory."""

from __future__ import annotations

import copy
import tracemalloc
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from sanxiang.cases.models import Case
from sanxiang.disclosure import exporting
from sanxiang.disclosure.models import Publication
from sanxiang.disclosure.services import publication_confirm, publication_draft
from tests.disclosure.test_publications import decided

CLOCK = datetime(2026, 10, 9, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


class _Discard:
    """A file that forgets what it is given (the export's own memory is what is measured)."""

    def __init__(self) -> None:
        self.lines = 0

    def write(self, text: str) -> int:
        self.lines += text.count("\n")
        return len(text)


def _copies(publication: Publication, count: int, start: int) -> None:
    """``count`` more published decisions like ``publication``, each on its own case."""
    assert publication.case_id is not None
    case = Case.objects.get(pk=publication.case_id)
    cases = []
    for i in range(start, start + count):
        clone = copy.copy(case)
        clone.pk = clone.id = None
        clone.number = f"{case.number}-{i}"
        cases.append(clone)
    cases = Case.objects.bulk_create(cases, batch_size=500)
    publications = []
    for clone in cases:
        row = copy.copy(publication)
        row.pk = row.id = None
        row.case_id = clone.pk
        publications.append(row)
    Publication.objects.bulk_create(publications, batch_size=500)


def _peak(export: Callable[[], int]) -> tuple[int, int]:
    """(rows written, peak bytes Python allocated while exporting them)."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        count = export()
        return count, tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("writer", [exporting.write_csv, exporting.write_json], ids=["csv", "json"])
def test_export_memory_stays_flat_as_rows_grow(staff, general_case, articles, monkeypatch, writer):
    # A small chunk, so that both sizes span several chunks and only the number of chunks grows.
    monkeypatch.setattr(exporting, "CHUNK_ROWS", 200)
    with time_machine.travel(CLOCK, tick=False):
        publication = decided(staff, general_case, articles)
        draft = publication_draft(publication)
        publication_confirm(
            actor=staff.head, publication_id=publication.pk, draft_sha256=draft.sha256
        )
    publication.refresh_from_db()
    _copies(publication, 999, start=1)
    small_rows, small = _peak(lambda: writer(_Discard()))
    _copies(publication, 4000, start=1000)
    large_rows, large = _peak(lambda: writer(_Discard()))
    assert (small_rows, large_rows) == (1000, 5000)
    # Holding the rows would take about five times as much; streaming takes about the same.
    assert large < small * 1.5, (small, large)
