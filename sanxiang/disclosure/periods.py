"""公示期限 and 公示调整期限 as rows, loaded from their cited files in data/disclosure/.

``periods.csv`` gives the working days within which each kind of enforcement decision is made
public (厦城执法〔2019〕5号, 河北省实施方案, 行政处罚法第四十八条); ``republication.csv`` the
working days to adjust published lists after a law or the agency's duties change (Shaanxi
indicators (21) and (22)). Migration ``disclosure.0011`` loads both on a fresh database (keeping
rows an administrator had already entered); ``sanxiang periods load`` loads them again, keeping
and listing rows edited in 管理后台 (``replace`` overwrites them). The services read the rows
only (``services.period_for``, ``listings.period_for``).
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from sanxiang.core.legal_rows import LoadReport, Table, rows_sync, table_read
from sanxiang.disclosure.models import (
    ActKind,
    PublicationPeriod,
    RepublicationCause,
    RepublicationPeriod,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "disclosure"
PUBLICATION_FILE = DATA / "periods.csv"
REPUBLICATION_FILE = DATA / "republication.csv"


def _working_days(table: Table, code_column: str) -> dict[tuple[str], dict[str, object]]:
    """(code,) -> working days and basis, noting repeated codes and bad periods."""
    found: dict[tuple[str], dict[str, object]] = {}
    first_line: dict[str, int] = {}
    for line, values in table.rows:
        code, days = values[code_column], values["working_days"]
        where = f"第{line}行"
        if code in first_line:
            table.problems.append(f"{where}：“{code}”与第{first_line[code]}行重复。")
        first_line.setdefault(code, line)
        if days and (not days.isascii() or not days.isdigit() or not 1 <= int(days) <= 365):
            table.problems.append(f"{where}：期限应为 1–365 的整数（工作日），不是“{days}”。")
            continue
        found[(code,)] = {"working_days": int(days or 0), "basis": values["basis"]}
    return found


def publication_periods_read(path: Path = PUBLICATION_FILE) -> dict[tuple[str], dict[str, object]]:
    """(执法行为类别,) -> working days and basis; any bad row refuses the file."""
    columns = {"kind": "执法行为类别", "working_days": "公示期限", "basis": "依据"}
    table = table_read(path, columns, required=tuple(columns), max_lengths={"basis": 300})
    for line, values in table.rows:
        if values["kind"] and values["kind"] not in ActKind.values:
            table.problems.append(
                f"第{line}行：执法行为类别应为 {'、'.join(ActKind.values)} 之一，"
                f"不是“{values['kind']}”。"
            )
    found = _working_days(table, "kind")
    table.refuse()
    return found


def republication_periods_read(
    path: Path = REPUBLICATION_FILE,
) -> dict[tuple[str], dict[str, object]]:
    """(变化原因,) -> working days and basis; any bad row refuses the file."""
    columns = {"cause": "变化原因", "working_days": "调整期限", "basis": "依据"}
    table = table_read(path, columns, required=tuple(columns), max_lengths={"basis": 300})
    for line, values in table.rows:
        if values["cause"] and values["cause"] not in RepublicationCause.values:
            table.problems.append(
                f"第{line}行：变化原因应为 {'、'.join(RepublicationCause.values)} 之一，"
                f"不是“{values['cause']}”。"
            )
    found = _working_days(table, "cause")
    table.refuse()
    return found


def disclosure_periods_load(
    *,
    publication_file: Path = PUBLICATION_FILE,
    republication_file: Path = REPUBLICATION_FILE,
    replace: bool = False,
) -> tuple[LoadReport, LoadReport]:
    """Load both files (both checked before either is written): add missing rows, keep and
    report rows edited in 管理后台 unless ``replace``. Loading twice changes nothing."""
    publication = publication_periods_read(publication_file)
    republication = republication_periods_read(republication_file)
    with transaction.atomic():
        return (
            rows_sync(PublicationPeriod, publication, identity=("kind",), replace=replace),
            rows_sync(RepublicationPeriod, republication, identity=("cause",), replace=replace),
        )
