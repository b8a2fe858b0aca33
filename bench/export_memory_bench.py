"""Memory of ``sanxiang export publications`` as the number of rows grows.

Loads N published decisions once with the disclosure bench's generator (realistic 1–2 KB texts,
dates rising with the id), then exports the newest 0, 20k, 100k, 300k… of them (``--since``
picks the size) in CSV and JSON, each in a fresh process, and prints that process's peak RSS
against the same command exporting nothing (Django loaded, the query run, no rows): flat means
the difference does not grow with the rows. On PostgreSQL it also prints the database's own
``COPY (SELECT …) TO STDOUT`` speed for all rows.

How the peak is read: the child reports its own ``VmHWM`` from /proc/self/status. A parent's
``wait4`` ``ru_maxrss`` is wrong here: Python starts children with vfork, and Linux carries the
parent's high-water mark across exec into the child's ``maxrss`` — which is why the earlier
bench reported 263 MiB at 20,000 rows and 464 MiB at 1M (its own generator's memory, not the
export's).

Run: ``.venv/bin/python scripts/with-postgres.py -- .venv/bin/python bench/export_memory_bench.py
--count 300000`` or, for SQLite, ``.venv/bin/python bench/export_memory_bench.py --count 100000``.

Results, 2026-12-05, this 2-CPU machine shared with other jobs, PostgreSQL 15, 1,000,000 loaded
(full table with SQLite in docs/operations/disclosure.md, "Export memory"):

  export --format csv: baseline (no rows) peak RSS 100.3 MiB
         rows   peak RSS  above baseline     rows/s
       20,091   103.9 MiB        +3.7 MiB     16,734
      100,456   104.0 MiB        +3.7 MiB     29,388
      300,456   103.9 MiB        +3.6 MiB     69,638
    1,000,000   103.8 MiB        +3.5 MiB    106,171
  baseline: PostgreSQL COPY (SELECT …) TO STDOUT of all rows 384,443 rows/s
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import date

os.environ.setdefault("SANXIANG_VAR", tempfile.mkdtemp(prefix="sanxiang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")

# Runs the ``sanxiang`` command in this process, then reports the process's own peak RSS.
_CHILD = """
import sys
from sanxiang.cli import main
try:
    main(sys.argv[1:])
finally:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                sys.stderr.write("VmHWM %s\\n" % line.split()[1])
"""


def export_peak(fmt: str, since: date | None) -> tuple[int, float, float]:
    """(rows exported, peak RSS MiB, seconds) of one ``sanxiang export publications`` process."""
    args = ["export", "publications", "--format", fmt]
    if since is not None:
        args += ["--since", since.isoformat()]
    began = time.perf_counter()
    with open(os.devnull, "w") as sink:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, *args],
            stdout=sink,
            stderr=subprocess.PIPE,
            text=True,
            check=True,
        )
    seconds = time.perf_counter() - began
    peak = re.search(r"VmHWM (\d+)", done.stderr)
    rows = re.search(r"已导出 (\d+) 条", done.stderr)
    assert peak and rows, done.stderr
    return int(rows.group(1)), int(peak.group(1)) / 1024, seconds


def since_for(rows: int) -> date:
    """The earliest 决定日期 that still leaves the newest ``rows`` decisions in the export."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT decided_on FROM disclosure_publication "
            "WHERE status IN ('published', 'withdrawn') ORDER BY decided_on DESC "
            "LIMIT 1 OFFSET %s",
            [rows - 1],
        )
        found = cursor.fetchone()
    value = found[0] if found else date(1900, 1, 1)
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def copy_rate(count: int) -> float | None:
    """PostgreSQL's own COPY … TO STDOUT of the same columns, rows/s (None on SQLite)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    select = (
        "SELECT id, fields->>'执法对象', fields->>'执法对象类别', fields->>'统一社会信用代码', "
        "fields->>'决定书文号', fields->>'违法行为类型', fields->>'处罚依据', "
        "fields->>'处罚类别', fields->>'执法结论', fields->>'罚款金额（元）', "
        "fields->>'决定日期', credit_until, credit_severity, fields->>'执法机关', "
        "fields->>'执法机关统一社会信用代码', kind, status, public_sha256 "
        "FROM disclosure_publication WHERE status IN ('published', 'withdrawn') ORDER BY id"
    )
    began = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY ({select}) TO STDOUT WITH CSV") as copy,
    ):
        for _block in copy:
            pass
    return count / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000, help="decisions to load")
    parser.add_argument(
        "--sizes", default="20000,100000,300000", help="export sizes (comma-separated)"
    )
    parser.add_argument("--formats", default="csv,json")
    args = parser.parse_args()
    from disclosure_bench import generate  # the same generator as the portal bench

    began = time.perf_counter()
    generate(args.count)
    from django.db import connection

    print(f"database: {connection.vendor}; {args.count:,} decisions in "
          f"{time.perf_counter() - began:.0f} s\n")  # fmt: skip
    connection.close()  # the children open their own
    sizes = [int(s) for s in args.sizes.split(",") if int(s) < args.count] + [args.count]
    for fmt in args.formats.split(","):
        _, base, _ = export_peak(fmt, date(2999, 1, 1))
        print(f"export --format {fmt}: baseline (no rows) peak RSS {base:.1f} MiB")
        print(f"  {'rows':>9}  {'peak RSS':>9}  {'above baseline':>14}  {'rows/s':>9}")
        for size in sizes:
            rows, peak, seconds = export_peak(fmt, since_for(size))
            print(f"  {rows:>9,}  {peak:>6.1f} MiB  {peak - base:>+10.1f} MiB  "
                  f"{rows / seconds:>9,.0f}", flush=True)  # fmt: skip
    rate = copy_rate(args.count)
    if rate:
        print(f"\nbaseline: PostgreSQL COPY (SELECT …) TO STDOUT of all rows {rate:,.0f} rows/s")


if __name__ == "__main__":
    main()
