"""``sanxiang complaints load [--rules CSV] [--replace]``: the 投诉举报处理期限 rows."""

from __future__ import annotations

from pathlib import Path

from sanxiang.complaints.rules import RULES_FILE, rules_load
from sanxiang.core.legal_rows import DataFile, LoadReport, RowsLoadCommand


class Command(RowsLoadCommand):
    help = "Load the complaint deadline rules (投诉举报处理期限) from data/complaints/."
    files = (DataFile("rules", RULES_FILE, "投诉举报处理期限"),)

    def load(self, paths: list[Path], *, replace: bool) -> tuple[LoadReport, ...]:
        return (rules_load(path=paths[0], replace=replace),)
