"""Bringing rows in line with a cited data file without overwriting what administrators edited.

The files in ``data/`` are where legal data starts; the rows are what the code reads and what
administrators edit in 管理后台 (``LedgeredAdmin``). ``rows_sync`` adds the rows the file has and
the table lacks (one ledger event each), counts the rows equal to the file, and for rows that
differ either reports which fields differ (the default) or overwrites them (``replace``, one
ledger event each). Callers check the whole file first and raise ``DataFileError`` naming every
bad row, so a bad file writes nothing.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction

from sanxiang.errors import DomainError
from sanxiang.ledger.events import row_recorded
from sanxiang.ledger.services import SYSTEM


class DataFileError(DomainError):
    """The file cannot be loaded; ``problems`` names each bad row (Chinese)."""

    def __init__(self, name: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            f"{name} 有 {len(problems)} 处错误，未载入任何数据：\n" + "\n".join(problems),
            log_message=f"{name}: {len(problems)} problem(s), nothing loaded",
        )


@dataclass
class Table:
    """A data file's rows as text (stripped), each with its line number, and what is wrong."""

    name: str
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def refuse(self, error: type[DataFileError] = DataFileError) -> None:
        """Raise ``error`` naming every problem found, if any (nothing is written then)."""
        if self.problems:
            raise error(self.name, self.problems)


def table_read(
    path: Path,
    columns: Mapping[str, str],
    *,
    required: tuple[str, ...],
    max_lengths: Mapping[str, int],
    error: type[DataFileError] = DataFileError,
) -> Table:
    """Read a UTF-8 CSV whose header names ``columns`` (column -> name shown to people); every
    row with a missing required value, an over-long value or too many cells is a problem."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(path.name, ["文件不是 UTF-8 编码，请另存为 UTF-8 后再载入。"]) from exc
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        problem = f"第1行（表头）：缺少列 {'、'.join(missing)}（应为 {','.join(columns)}）。"
        raise error(path.name, [problem])
    table = Table(path.name)
    for line, row in enumerate(reader, start=2):
        where = f"第{line}行"
        if None in row:
            table.problems.append(f"{where}：列数多于表头（含逗号的内容请用英文双引号括起）。")
            continue
        values = {c: (row.get(c) or "").strip() for c in columns}
        empty = [columns[c] for c in required if not values[c]]
        if empty:
            table.problems.append(f"{where}：{'、'.join(empty)}不能为空。")
        too_long = [
            f"{columns[c]}超过{n}个字" for c, n in max_lengths.items() if len(values[c]) > n
        ]
        if too_long:
            table.problems.append(f"{where}：{'、'.join(too_long)}。")
        table.rows.append((line, values))
    return table


@dataclass
class LoadReport:
    added: list[str] = field(default_factory=list)
    unchanged: int = 0
    #: the row's identity -> the names of the fields that differ from the file (left as they are).
    differing: dict[str, list[str]] = field(default_factory=dict)
    replaced: list[str] = field(default_factory=list)


def _record(row: models.Model, verb: str) -> None:
    row_recorded(row, f"{row._meta.label_lower}.{verb}", actor=SYSTEM)


def _name(model: type[models.Model], field_name: str) -> str:
    return str(getattr(model._meta.get_field(field_name), "verbose_name", field_name))


def rows_sync(
    model: type[models.Model],
    wanted: Mapping[tuple[Any, ...], Mapping[str, Any]],
    *,
    identity: tuple[str, ...],
    replace: bool,
    fixed: Mapping[str, Any] | None = None,
) -> LoadReport:
    """Make ``model``'s rows hold ``wanted`` (identity values -> field values), keeping edits
    unless ``replace``. Runs in one transaction; loading the same data twice changes nothing.
    ``fixed`` limits the rows compared to those with these field values (and gives them to the
    rows added): e.g. ``{"agency": None}`` for a shipped default list beside agencies' own."""
    report = LoadReport()
    fixed = dict(fixed or {})
    with transaction.atomic():
        existing = {
            tuple(getattr(r, f) for f in identity): r
            for r in model._default_manager.filter(**fixed).select_for_update()
        }
        for key, values in wanted.items():
            label = "/".join(str(k) for k in key)
            row = existing.get(key)
            if row is None:
                row = model(**fixed, **dict(zip(identity, key, strict=True)), **values)
                row.full_clean()
                row.save()
                _record(row, "created")
                report.added.append(label)
                continue
            differs = [f for f, value in values.items() if getattr(row, f) != value]
            if not differs:
                report.unchanged += 1
            elif replace:
                for name, value in values.items():
                    setattr(row, name, value)
                row.full_clean()
                row.save()
                _record(row, "changed")
                report.replaced.append(label)
            else:
                report.differing[label] = [_name(model, f) for f in differs]
    return report


def report_lines(what: str, report: LoadReport) -> list[str]:
    """What a load command prints (Chinese, for operators)."""
    lines = [
        f"{what}：新增 {len(report.added)} 项，与文件一致 {report.unchanged} 项，"
        f"按文件覆盖 {len(report.replaced)} 项。"
    ]
    lines += [
        f"  {key}：{'、'.join(fields)}在管理后台改过，与文件不同，未覆盖。"
        for key, fields in report.differing.items()
    ]
    if report.differing:
        lines.append(
            f"共 {len(report.differing)} 项与文件不同、保持原样；"
            "如需以文件为准，加 --replace 再运行一次。"
        )
    return lines


@dataclass(frozen=True)
class DataFile:
    """A file a load command reads: its option (``--<option>``), default path, what it holds."""

    option: str
    default: Path
    what: str


class RowsLoadCommand(BaseCommand):
    """``sanxiang <name> load [--<file option> PATH …] [--replace]`` for legal data kept as rows:
    every file must exist, a bad file loads nothing (exit 1, each bad row named), and what was
    added, kept or replaced is printed per file."""

    files: tuple[DataFile, ...] = ()

    def load(self, paths: list[Path], *, replace: bool) -> tuple[LoadReport, ...]:
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load")
        for data in self.files:
            load.add_argument(
                f"--{data.option}", default=str(data.default), help=f"{data.what}文件"
            )
        load.add_argument(
            "--replace", action="store_true", help="以文件为准覆盖在管理后台改过的行（记入台账）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(options[data.option]) for data in self.files]
        for path in paths:
            if not path.is_file():
                raise CommandError(f"找不到文件 {path} (no such file)")
        try:
            reports = self.load(paths, replace=options["replace"])
        except DataFileError as exc:
            raise CommandError(exc.message) from exc
        for data, report in zip(self.files, reports, strict=True):
            for line in report_lines(data.what, report):
                self.stdout.write(line)
