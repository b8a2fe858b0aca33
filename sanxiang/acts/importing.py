"""Reading a permit file for ``sanxiang acts import-permits``: a CSV is streamed (two passes,
one row at a time, so a file of 100,000 rows takes no more memory than one of 10,000); an
Excel file is read whole by ``org.importing.read_table`` (as the office's upload is)."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

from sanxiang.acts.services import IMPORT_COLUMNS, IMPORT_REQUIRED, MAX_UPLOAD_BYTES, Row
from sanxiang.org.importing import ImportFileError, read_table


def _encoding(path: Path) -> str:
    with path.open("rb") as handle:
        sample = handle.read(1 << 16)
    try:
        sample.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not just a character cut at the sample's end
            return "gb18030"
    return "utf-8-sig"


def csv_rows(path: Path) -> Callable[[], Iterator[Row]]:
    """A callable that reads ``path`` again each time it is called, yielding (row number,
    cells by column name); the header is checked once, now."""
    encoding = _encoding(path)
    with path.open(encoding=encoding, newline="") as handle:
        header = [cell.strip() for cell in next(csv.reader(handle), [])]
    if not header:
        raise ImportFileError("文件是空的。", log_message=f"{path} is empty")
    missing = [column for column in IMPORT_REQUIRED if column not in header]
    if missing:
        raise ImportFileError(
            f"第 1 行（表头）缺少以下列：{'、'.join(missing)}。"
            f"表头应包括：{'、'.join(IMPORT_COLUMNS)}。",
            log_message=f"{path} lacks columns {missing}",
        )

    def rows() -> Iterator[Row]:
        with path.open(encoding=encoding, newline="") as handle:
            reader = csv.reader(handle)
            next(reader, None)
            for number, values in enumerate(reader, start=2):
                if not any(value.strip() for value in values):
                    continue
                yield number, dict(zip(header, values, strict=False))

    return rows


def file_rows(path: Path) -> tuple[Callable[[], Iterator[Row]], str]:
    """The rows of a .csv (streamed) or .xlsx file, and the file's SHA-256."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return csv_rows(path), digest.hexdigest()
    if suffix == ".xlsx":
        table = read_table(
            path.name,
            path.read_bytes(),
            max_bytes=MAX_UPLOAD_BYTES * 10,
            columns=tuple(IMPORT_COLUMNS),
            required=IMPORT_REQUIRED,
            max_rows=200_000,
        )
        return (lambda: ((row.row, row.cells) for row in table)), digest.hexdigest()
    raise ImportFileError(
        "只支持 Excel（.xlsx）或 CSV（.csv）文件。", log_message=f"{path} unsupported type"
    )
