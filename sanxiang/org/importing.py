"""Read officer lists (执法人员名册) from Excel or CSV files into checked rows.

Reading and checking are separate from writing (``services.officers_import``) so that a file
with any bad row writes nothing and the user sees every problem at once.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sanxiang.errors import DomainError

MAX_ROWS = 5000

COLUMNS: dict[str, str] = {
    "姓名": "name",
    "性别": "gender",
    "执法主体": "agency",
    "内设机构": "unit",
    "职务": "post",
    "执法证号": "number",
    "执法类别": "categories",
    "执法区域": "region",
    "有效期起": "valid_from",
    "有效期止": "valid_until",
    "法律职业资格": "has_legal_qualification",
    "角色": "roles",
}
REQUIRED = (
    "姓名",
    "性别",
    "执法主体",
    "内设机构",
    "执法证号",
    "执法类别",
    "执法区域",
    "有效期起",
    "有效期止",
)
LIST_SEPARATORS = re.compile(r"[、,，;；/\s]+")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


@dataclass(frozen=True)
class RowError:
    """One problem in one row of the file (row numbers as a spreadsheet shows them)."""

    row: int
    column: str
    message: str


class ImportFileError(DomainError):
    """The file as a whole cannot be read (wrong type, too large, missing columns)."""


class ImportRejected(DomainError):
    """Some rows of an imported list are wrong; nothing was imported."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        rows = sorted({error.row for error in errors})
        super().__init__(
            f"文件中有 {len(rows)} 行存在问题，未导入任何数据。请按下表逐行改正后重新上传。",
            log_message=f"import refused: {len(errors)} problems in rows {rows[:20]}",
        )


OfficerImportRejected = ImportRejected


@dataclass
class RawRow:
    """A data row: its number in the file and its cells by Chinese column name."""

    row: int
    cells: dict[str, Any] = field(default_factory=dict)

    def text(self, column: str) -> str:
        value = self.cells.get(column)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()


def read_table(
    filename: str,
    content: bytes,
    *,
    max_bytes: int,
    columns: tuple[str, ...] = tuple(COLUMNS),
    required: tuple[str, ...] = REQUIRED,
    max_rows: int = MAX_ROWS,
) -> list[RawRow]:
    """Rows of the first sheet of an .xlsx file, or of a UTF-8/GB18030 .csv file.

    ``columns`` and ``required`` name the header a file must have (the officer list's by
    default; other importers pass their own), ``max_rows`` caps the data rows.
    """
    if len(content) > max_bytes:
        raise ImportFileError(
            f"文件过大（{len(content) / 1024 / 1024:.1f} MB），"
            f"上限为 {max_bytes / 1024 / 1024:.0f} MB。",
            log_message=f"import file {filename!r} too large: {len(content)} bytes",
        )
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix == "xlsx":
        matrix = _xlsx_rows(content, filename, max_rows)
    elif suffix == "csv":
        matrix = _csv_rows(content, filename)
    else:
        raise ImportFileError(
            "只支持 Excel（.xlsx）或 CSV（.csv）文件。旧版 .xls 请先另存为 .xlsx。",
            log_message=f"import file {filename!r} has unsupported type",
        )
    return _to_rows(matrix, filename, columns, required, max_rows)


def _xlsx_rows(content: bytes, filename: str, max_rows: int) -> list[list[Any]]:
    from openpyxl import load_workbook

    if not content.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            "文件内容不是 Excel（.xlsx）格式，请确认文件未损坏、扩展名正确。",
            log_message=f"import file {filename!r} is not a zip container",
        )
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(
            "无法读取该 Excel 文件，请确认文件未损坏。",
            log_message=f"openpyxl could not read {filename!r}: {exc}",
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[Any]] = []
        for values in sheet.iter_rows(values_only=True):
            rows.append(list(values))
            if len(rows) > max_rows + 1:
                break
        return rows
    finally:
        workbook.close()


def _csv_rows(content: bytes, filename: str) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string that reaches here
        raise ImportFileError("无法识别文件编码，请保存为 UTF-8 编码的 CSV。")
    if "\x00" in text:
        raise ImportFileError(
            "文件内容不是文本格式的 CSV，请确认扩展名正确。",
            log_message=f"import file {filename!r} contains NUL bytes",
        )
    return [list(row) for row in csv.reader(io.StringIO(text))]


def _to_rows(
    matrix: list[list[Any]],
    filename: str,
    columns: tuple[str, ...],
    required: tuple[str, ...],
    max_rows: int,
) -> list[RawRow]:
    if not matrix:
        raise ImportFileError("文件是空的。", log_message=f"import file {filename!r} is empty")
    header = [str(cell).strip() if cell is not None else "" for cell in matrix[0]]
    missing = [column for column in required if column not in header]
    if missing:
        raise ImportFileError(
            f"第 1 行（表头）缺少以下列：{'、'.join(missing)}。表头应包括：{'、'.join(columns)}。",
            log_message=f"import file {filename!r} lacks columns {missing}",
        )
    rows: list[RawRow] = []
    for offset, values in enumerate(matrix[1:], start=2):
        if all(value is None or str(value).strip() == "" for value in values):
            continue
        cells = {
            name: values[i] if i < len(values) else None for i, name in enumerate(header) if name
        }
        rows.append(RawRow(row=offset, cells=cells))
    if not rows:
        raise ImportFileError(
            "文件中没有数据行。", log_message=f"import file {filename!r} has no rows"
        )
    if len(rows) > max_rows:
        raise ImportFileError(
            f"一次最多导入 {max_rows} 行，请拆分文件。",
            log_message=f"import file {filename!r} has more than {max_rows} rows",
        )
    return rows


def parse_date(value: Any) -> date | None:
    """A date from an Excel date cell or a text such as 2026-01-31 / 2026年1月31日."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip() if value is not None else ""
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


def split_list(value: str) -> list[str]:
    """``"城市管理、市场监管"`` → ``["城市管理", "市场监管"]``."""
    return [item for item in LIST_SEPARATORS.split(value) if item]
