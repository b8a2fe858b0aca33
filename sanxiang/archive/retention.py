"""保管期限 as rows, loaded from data/archive/retention.csv (see data/archive/README.md).

Migration ``archive.0002`` loads the file on a fresh database; ``sanxiang archive
retention-load`` loads it again, keeping and listing rows edited in 管理后台 (``--replace``
overwrites them). The services read the rows only (``services.retention_for``).
"""

from __future__ import annotations

from pathlib import Path

from sanxiang.archive.models import Retention, RetentionPeriod
from sanxiang.cases.models import Procedure
from sanxiang.core.legal_rows import LoadReport, rows_sync, table_read

RETENTION_FILE = Path(__file__).resolve().parents[2] / "data" / "archive" / "retention.csv"


def retention_read(path: Path = RETENTION_FILE) -> dict[tuple[str], dict[str, object]]:
    """(程序,) -> 保管期限 and 依据; any bad row refuses the whole file."""
    columns = {"procedure": "程序", "retention": "保管期限", "basis": "依据"}
    table = table_read(path, columns, required=tuple(columns), max_lengths={"basis": 300})
    found: dict[tuple[str], dict[str, object]] = {}
    for line, values in table.rows:
        where = f"第{line}行"
        if values["procedure"] not in Procedure.values:
            table.problems.append(
                f"{where}：程序应为 {'、'.join(Procedure.values)} 之一，"
                f"不是“{values['procedure']}”。"
            )
        if values["retention"] not in Retention.values:
            table.problems.append(
                f"{where}：保管期限应为 {'、'.join(Retention.values)} 之一"
                f"（永久、30年、10年），不是“{values['retention']}”。"
            )
        if (values["procedure"],) in found:
            table.problems.append(f"{where}：程序“{values['procedure']}”重复。")
        found[(values["procedure"],)] = {"retention": values["retention"], "basis": values["basis"]}
    table.refuse()
    return found


def retention_load(*, path: Path = RETENTION_FILE, replace: bool = False) -> LoadReport:
    """Add missing rows, keep and report edited ones unless ``replace``."""
    return rows_sync(
        RetentionPeriod, retention_read(path), identity=("procedure",), replace=replace
    )
