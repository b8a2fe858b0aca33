"""/api/v1/publications at depth: keyset cursor pages against the portal's OFFSET pages.

Writes ``--rows`` publications straight to the table (no cases behind them: foreign keys are
switched off for the insert), then times, in-process through the Django test client, the API's
first page and a page ~90 % deep reached by cursor, against the portal's selector fetching the
same depth by OFFSET (baseline, same run). Prints milliseconds (median of 5) and the ratios.

Run: ``scripts/with-postgres.py -- .venv/bin/python bench/api_bench.py [--rows 1000000]``
(PostgreSQL; on SQLite, use fewer rows).
"""

from __future__ import annotations

import argparse
import base64
import os
import statistics
import tempfile
import time
from collections.abc import Callable

os.environ.setdefault("SANXIANG_VAR", tempfile.mkdtemp(prefix="sanxiang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")

import django

django.setup()

from django.core.management import call_command
from django.db import connection
from django.test import Client

from sanxiang.disclosure.public import publications_public


def generate(rows: int) -> None:
    from sanxiang.org.models import Agency

    call_command("migrate", verbosity=0)
    Agency.objects.bulk_create(
        Agency(
            name=f"基准第{n}执法局", credit_code=f"BENCH{n:013d}", level="county", region="基准市"
        )
        for n in range(1, 21)
    )
    first_agency = Agency.objects.order_by("pk").values_list("pk", flat=True)[0]
    postgres = connection.vendor == "postgresql"
    series = (
        "generate_series(1, %s) g"
        if postgres
        else (
            "(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < %s) SELECT g FROM s)"
        )
    )
    day = (
        "date '2021-01-01' + (g %% 1800)"
        if postgres
        else "date('2021-01-01', '+' || (g %% 1800) || ' days')"
    )
    with connection.cursor() as c:
        c.execute(
            "SET session_replication_role = replica" if postgres else "PRAGMA foreign_keys = OFF"
        )
        # Only fixed SQL fragments are formatted in; the row count is a parameter.
        insert = (
            "INSERT INTO disclosure_publication (case_id, agency_id, kind, title, decided_on, due_on,"  # noqa: S608
            " due_basis, full_text, status, fields, public_text, public_sha256, withdrawal_reason,"
            " withdrawal_statement, exempt_reason, created_at)"
            f" SELECT g, {first_agency} + g %% 20, 'penalty', 'title ' || g, {day}, {day}, 'b', false,"
            " CASE WHEN g %% 20 = 0 THEN 'pending' WHEN g %% 97 = 0 THEN 'withdrawn'"
            " ELSE 'published' END,"
            f" '{{}}', 'text', '', '', '', '', CURRENT_TIMESTAMP FROM {series}"
        )
        c.execute(insert, [rows])
        c.execute("ANALYZE")


def median_ms(action: Callable[[], object]) -> float:
    times = []
    for _ in range(5):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    generate(args.rows)
    depth = int(args.rows * 0.9 * 0.94)  # ~90 % through the live rows
    (row,) = publications_public(offset=depth, limit=1)
    cursor = base64.urlsafe_b64encode(f"p:{row.decided_on}:{row.id}".encode()).decode().rstrip("=")
    client = Client(HTTP_HOST="localhost")

    def api(url: str) -> Callable[[], object]:
        def fetch() -> object:
            response = client.get(url)
            assert response.status_code == 200, response.content
            return response

        return fetch

    offset = median_ms(lambda: publications_public(offset=depth, limit=100))
    first = median_ms(api("/api/v1/publications?limit=100"))
    deep = median_ms(api(f"/api/v1/publications?limit=100&cursor={cursor}"))
    print(f"{connection.vendor}, {args.rows} publications, page of 100 at row {depth}")
    print(f"baseline portal OFFSET page: {offset:.1f} ms")
    print(f"API first page:              {first:.1f} ms")
    print(f"API cursor page at depth:    {deep:.1f} ms  ({offset / deep:.0f}x faster than OFFSET)")


if __name__ == "__main__":
    main()
