"""Import of 行政许可 rows (issue #17): rows/s and peak memory, 10,000 rows against 100,000.

The baseline, measured in the same run over the same file: ``csv.reader`` reading every row
(the least any import must do). Then ``sanxiang acts import-permits``' code path
(``acts.importing.file_rows`` + ``acts.services.permits_import``: a checking pass over the
streamed file, then one transaction writing each permit, its ledger event, its publication and
the publication's event) runs in a child process per size, on a fresh database, so each child's
peak RSS (``ru_maxrss``) is that size's alone: memory is flat when the 100,000-row peak is
about the 10,000-row peak.

Run: ``.venv/bin/python bench/permit_import_bench.py`` (SQLite; ``--rows 100000`` is the
default, ``--small 10000``), or under ``scripts/with-postgres.py --`` for PostgreSQL.
Prints numbers and ratios; never asserts times.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
os.environ.setdefault("SANXIANG_VAR", tempfile.mkdtemp(prefix="sanxiang-permit-bench-"))
os.environ["SANXIANG_LEDGER_SIGN_EVERY"] = "0"
os.environ["SANXIANG_LEDGER_SIGN_INTERVAL_MINUTES"] = "0"


def _check_char(first17: str) -> str:
    from sanxiang.core.identifiers import credit_code_check_char

    return credit_code_check_char(first17)


def write_file(path: Path, rows: int) -> None:
    """``rows`` valid permits (one in 50 a revocation of an earlier row), like a platform's
    export."""
    from sanxiang.acts.services import IMPORT_COLUMNS, PERMIT_FIELDS

    authority = "11990100MB0000001"
    authority += _check_char(authority)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(list(IMPORT_COLUMNS))
        for i in range(rows):
            first17 = f"91990100MA{i % 10_000_000:07d}"
            revocation = i % 50 == 49
            values = {
                "decision": "撤销许可" if revocation else "准予许可",
                "original": f"测城许〔2026〕{i - 1}号" if revocation else "",
                "party_name": f"测试市第{i}号餐饮有限公司",
                "party_type": "法人及非法人组织",
                "party_credit_code": first17 + _check_char(first17),
                "legal_representative": "陈明",
                "decision_number": f"测城许〔2026〕{i}号",
                "decision_title": "准予行政许可决定书",
                "category": "普通",
                "licence_name": "城市建筑垃圾处置核准",
                "licence_number": f"CZ2026-{i:06d}",
                "content": "准予在人民路设置户外广告牌一块",
                "decided_on": "2026-05-20",
                "valid_from": "2026-05-20",
                "valid_until": "2029-05-19",
                "authority_name": "测试市城市管理综合行政执法局",
                "authority_credit_code": authority,
                "source_unit": "测试市政务服务中心",
                "remarks": "",
                "party_ref": "",
            }
            writer.writerow([values[key] for key in PERMIT_FIELDS])


def baseline(path: Path) -> dict[str, float]:
    began = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as handle:
        count = sum(1 for _ in csv.reader(handle)) - 1
    seconds = time.perf_counter() - began
    return {"rows": count, "seconds": seconds, "rows_per_s": count / seconds}


def child(path: Path, serial: int) -> None:
    """One import on a fresh database; prints a JSON line."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from sanxiang.acts.importing import file_rows
    from sanxiang.acts.services import permits_import
    from sanxiang.org.models import Agency

    code = f"11990100MB{serial:07d}"
    agency = Agency.objects.create(
        name=f"测试市第{serial}执法局",
        credit_code=code + _check_char(code),
        level="municipal",
        region="测试市",
        address="测试市人民路 1 号",
        phone="0999-1234567",
        authority_basis="测试",
    )
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rows, digest = file_rows(path)
    began = time.perf_counter()
    result = permits_import(agency=agency, rows=rows, file_sha256=digest, actor=None)
    seconds = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    figures = {
        "database": connection.vendor,
        "rows": result.created,
        "seconds": seconds,
        "rows_per_s": result.created / seconds,
        "rss_before_mb": before / 1024,
        "rss_peak_mb": peak / 1024,
    }
    print(json.dumps(figures))


def run_child(path: Path, serial: int) -> dict[str, float]:
    env = dict(os.environ)
    if "DATABASE_URL" not in env:
        env["SANXIANG_VAR"] = tempfile.mkdtemp(prefix="sanxiang-permit-bench-")
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(path), "--serial", str(serial)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    figures: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--child", type=Path)
    parser.add_argument("--serial", type=int, default=900)
    args = parser.parse_args()
    import django

    django.setup()
    if args.child:
        child(args.child, args.serial)
        return
    work = Path(tempfile.mkdtemp(prefix="sanxiang-permit-files-"))
    results = []
    for serial, size in enumerate((args.small, args.rows), start=900):
        path = work / f"permits-{size}.csv"
        write_file(path, size)
        base = baseline(path)
        imported = run_child(path, serial)
        results.append((size, base, imported))
        print(
            f"{size:>7} rows ({imported['database']}): csv.reader {base['rows_per_s']:,.0f} rows/s; "
            f"import {imported['rows_per_s']:,.0f} rows/s ({imported['seconds']:.1f} s), "
            f"{base['rows_per_s'] / imported['rows_per_s']:,.0f}× slower than the baseline; "
            f"peak RSS {imported['rss_peak_mb']:.0f} MB (after setup {imported['rss_before_mb']:.0f} MB)",
            flush=True,
        )
    (small, _, a), (large, _, b) = results
    print(
        f"peak RSS {large} vs {small} rows: {b['rss_peak_mb'] / a['rss_peak_mb']:.2f}× "
        f"(import's growth {b['rss_peak_mb'] - b['rss_before_mb']:.0f} MB vs "
        f"{a['rss_peak_mb'] - a['rss_before_mb']:.0f} MB)"
    )


if __name__ == "__main__":
    main()
