"""``sanxiang recording load [--file CSV] [--replace]``: load the default 行政执法音像记录事项清单
from data/recording_matters.csv; keeps, and lists, rows edited in 管理后台."""

from __future__ import annotations

from pathlib import Path

from sanxiang.cases.recording_rows import RECORDING_FILE, recording_matters_load
from sanxiang.core.legal_rows import DataFile, LoadReport, RowsLoadCommand


class Command(RowsLoadCommand):
    help = "Load the default list of matters recorded on audio/video from its cited file."
    files = (DataFile("file", RECORDING_FILE, "音像记录事项清单"),)

    def load(self, paths: list[Path], *, replace: bool) -> tuple[LoadReport, ...]:
        return (recording_matters_load(path=paths[0], replace=replace),)
