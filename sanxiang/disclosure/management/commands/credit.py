"""``sanxiang credit load [--periods CSV] [--severities CSV] [--replace]``: load the credit
publication periods (信用公示期限) and the default 失信程度 of each penalty kind from
data/disclosure/; keeps, and lists, rows edited in 管理后台."""

from __future__ import annotations

from pathlib import Path

from sanxiang.core.legal_rows import DataFile, LoadReport, RowsLoadCommand
from sanxiang.disclosure.credit import PERIODS_FILE, SEVERITIES_FILE, credit_rules_load


class Command(RowsLoadCommand):
    help = "Load credit publication periods and default severities from their cited files."
    files = (
        DataFile("periods", PERIODS_FILE, "信用公示期限"),
        DataFile("severities", SEVERITIES_FILE, "处罚种类默认失信程度"),
    )

    def load(self, paths: list[Path], *, replace: bool) -> tuple[LoadReport, ...]:
        return credit_rules_load(periods_file=paths[0], severities_file=paths[1], replace=replace)
