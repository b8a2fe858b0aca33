"""The fields each other kind of act records (data/acts/fields.csv), loaded as ``ActField`` rows
administrators edit in 管理后台. Migration ``acts`` loads them on a fresh database; ``sanxiang
acts load-fields`` loads them again, keeping rows edited in 管理后台 unless ``replace``. The
services read the rows only.
"""

from __future__ import annotations

from pathlib import Path

from sanxiang.acts.models import ActField, OtherActKind
from sanxiang.core.legal_rows import LoadReport, rows_sync, table_read

FIELDS_FILE = Path(__file__).resolve().parents[2] / "data" / "acts" / "fields.csv"
COLUMNS = {
    "kind": "行为类别",
    "key": "字段",
    "position": "顺序",
    "label": "名称",
    "required": "必填",
    "max_length": "最大长度",
    "public": "公示",
    "basis": "依据",
}


def act_fields_read(path: Path = FIELDS_FILE) -> dict[tuple[str, str], dict[str, object]]:
    """(kind, key) -> the row's values; any bad row refuses the file."""
    table = table_read(
        path, COLUMNS, required=tuple(COLUMNS), max_lengths={"label": 64, "basis": 300, "key": 32}
    )
    found: dict[tuple[str, str], dict[str, object]] = {}
    for line, values in table.rows:
        where = f"第{line}行"
        if values["kind"] not in OtherActKind.values:
            table.problems.append(f"{where}：行为类别应为 {'、'.join(OtherActKind.values)} 之一。")
        numbers = (values["position"], values["max_length"])
        if not all(n.isascii() and n.isdigit() for n in numbers):
            table.problems.append(f"{where}：顺序和最大长度应为整数。")
            continue
        if values["required"] not in ("0", "1") or values["public"] not in ("0", "1"):
            table.problems.append(f"{where}：必填和公示应为 0 或 1。")
            continue
        if (values["kind"], values["key"]) in found:
            table.problems.append(f"{where}：字段“{values['key']}”重复。")
        found[(values["kind"], values["key"])] = {
            "position": int(values["position"]),
            "label": values["label"],
            "required": values["required"] == "1",
            "max_length": int(values["max_length"]),
            "public": values["public"] == "1",
            "basis": values["basis"],
        }
    table.refuse()
    return found


def act_fields_load(*, path: Path = FIELDS_FILE, replace: bool = False) -> LoadReport:
    return rows_sync(ActField, act_fields_read(path), identity=("kind", "key"), replace=replace)
