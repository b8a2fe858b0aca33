"""Open data: published decisions in the 双公示 fields as CSV, Excel or JSON, streamed row by
row so a million rows need no more memory than a thousand.

Rows are read ``CHUNK_ROWS`` at a time (a server-side cursor on PostgreSQL, ``fetchmany`` on
SQLite), turned into lines and written; nothing keeps a row after it is written, so the peak is
Django's fixed cost plus one chunk (measured by bench/export_memory_bench.py).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from datetime import date
from typing import IO

from django.db.models import QuerySet
from openpyxl import Workbook

from sanxiang.disclosure.credit import SEVERITY_LABELS
from sanxiang.disclosure.models import Publication, PublicationStatus

# Column order of the exchange files (shared/law/publication.md, 双公示 行政处罚 fields that may
# be shown; ID numbers are never exported).
COLUMNS = (
    "公示编号", "行政相对人名称", "行政相对人类别", "统一社会信用代码", "行政处罚决定书文号",
    "违法行为类型", "处罚依据", "处罚类别", "处罚内容", "罚款金额（万元）", "处罚决定日期",
    "公示截止期", "失信程度", "处罚机关", "处罚机关统一社会信用代码", "执法类别", "公示状态",
    "公示内容SHA-256",
)  # fmt: skip
# Rows fetched from the database at a time: the export's memory is about one chunk.
CHUNK_ROWS = 2000


def _wan(yuan: object) -> str:
    """罚款金额 in 万元 as the exchange format wants it (stored in 元)."""
    if not yuan:
        return ""
    whole, _, cents = str(yuan).partition(".")
    value = int(whole) * 100 + int((cents + "00")[:2])
    return f"{value / 1_000_000:.6f}".rstrip("0").rstrip(".")


def row(
    pk: int, fields: dict[str, object] | None, status: str, digest: str, kind: str,
    credit_until: date | None = None, credit_severity: str = "",
) -> list[str]:  # fmt: skip
    """One publication in the order of ``COLUMNS``: the one mapping the exports, the pushes and
    the JSON API share."""
    withdrawn = status == PublicationStatus.WITHDRAWN
    # 行政处罚法第四十八条第二款: once withdrawn, the decision's content is no longer public;
    # what identifies the record (number, 文号, date, agency) stays so a receiver can take it down.
    kept = ("决定书文号", "决定日期", "执法机关", "执法机关统一社会信用代码")
    f = {k: v for k, v in (fields or {}).items() if k in kept} if withdrawn else (fields or {})

    def get(key: str) -> str:
        return str(f.get(key, ""))

    return [
        str(pk), get("执法对象"), get("执法对象类别"), get("统一社会信用代码"),
        get("决定书文号"), get("违法行为类型"), get("处罚依据"),
        get("处罚类别"), get("执法结论"), _wan(f.get("罚款金额（元）")),
        get("决定日期"), credit_until.isoformat() if credit_until and not withdrawn else "",
        # 轻微失信 has no end date because credit sites do not publish it (36号令), not because
        # it never ends: the class says which.
        "" if withdrawn else SEVERITY_LABELS.get(credit_severity, ""),
        get("执法机关"), get("执法机关统一社会信用代码"),
        kind, "已撤下" if withdrawn else "公示中", "" if withdrawn else digest,
    ]  # fmt: skip


def record(publication: Publication) -> dict[str, str]:
    """The exchange columns of one publication as a mapping (column name to value)."""
    values = row(
        publication.pk, publication.fields, publication.status, publication.public_sha256,
        publication.kind, publication.credit_until, publication.credit_severity,
    )  # fmt: skip
    return dict(zip(COLUMNS, values, strict=True))


# A progress bar's ``advance``, told of every row written.
Tick = Callable[[int], None] | None


def exported(*, since: date | None = None) -> QuerySet[Publication]:
    """The publications an export holds: published or withdrawn, decided since ``since``."""
    published = Publication.objects.filter(
        status__in=[PublicationStatus.PUBLISHED, PublicationStatus.WITHDRAWN]
    ).order_by("pk")
    if since is not None:
        published = published.filter(decided_on__gte=since)
    return published


def rows(*, since: date | None = None, progress: Tick = None) -> Iterator[list[str]]:
    """The export's rows; ``progress`` (a progress bar's ``advance``) is told of each."""
    published = exported(since=since)
    columns = (
        "pk", "fields", "status", "public_sha256", "kind", "credit_until", "credit_severity",
    )  # fmt: skip
    for values in published.values_list(*columns).iterator(chunk_size=CHUNK_ROWS):
        yield row(*values)
        if progress is not None:
            progress(1)


def write_csv(out: IO[str], *, since: date | None = None, progress: Tick = None) -> int:
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    count = 0
    for row in rows(since=since, progress=progress):
        writer.writerow(row)
        count += 1
    return count


def write_json(out: IO[str], *, since: date | None = None, progress: Tick = None) -> int:
    out.write("[")
    count = 0
    for row in rows(since=since, progress=progress):
        out.write(("," if count else "") + "\n")
        out.write(json.dumps(dict(zip(COLUMNS, row, strict=True)), ensure_ascii=False))
        count += 1
    out.write("\n]\n")
    return count


def write_xlsx(path: str, *, since: date | None = None, progress: Tick = None) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("行政处罚公示")
    sheet.append(list(COLUMNS))
    count = 0
    for row in rows(since=since, progress=progress):
        sheet.append(row)
        count += 1
    workbook.save(path)
    return count


# The JSON API's name for the same mapping.
exchange_row = row
