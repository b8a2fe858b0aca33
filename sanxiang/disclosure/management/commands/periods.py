"""``sanxiang periods load [--publication CSV] [--republication CSV] [--replace]``: load the
公示期限 and 公示调整期限 from data/disclosure/; keeps, and lists, rows edited in 管理后台."""

from __future__ import annotations

from pathlib import Path

from sanxiang.core.legal_rows import DataFile, LoadReport, RowsLoadCommand
from sanxiang.disclosure.periods import (
    PUBLICATION_FILE,
    REPUBLICATION_FILE,
    disclosure_periods_load,
)


class Command(RowsLoadCommand):
    help = "Load publication and republication periods from their cited files."
    files = (
        DataFile("publication", PUBLICATION_FILE, "公示期限"),
        DataFile("republication", REPUBLICATION_FILE, "公示调整期限"),
    )

    def load(self, paths: list[Path], *, replace: bool) -> tuple[LoadReport, ...]:
        return disclosure_periods_load(
            publication_file=paths[0], republication_file=paths[1], replace=replace
        )
