"""The 监督驾驶舱 of a supervising body over many agencies, against one agency's dashboard.

Issue #16's measure: the dashboard of a supervising body over ``--agencies`` (50) agencies
holding ``--cases`` (1,000,000) cases in all, on PostgreSQL, against the dashboard of one of
those agencies (per unit) in the same run. ``supervision_data.generate`` writes the rows with
set-based SQL (``INSERT … SELECT`` over ``generate_series``; see that module for the shares of
states, clocks, reviews, publications, 裁量 records, 复议/诉讼 and 预警).

Two things are timed ``--repeat`` times each, in alternation (so the machine's other load
weighs on both alike): ``supervision.selectors.dashboard_for`` (the figures), and the whole
page ``/office/supervision/`` as the supervisor (Django's test client in this process: the
figures, the 预警 and 投诉举报 counts, 裁量偏离, the charts and the template). Prints p50/p95,
the ratio of the body's p95 to the one agency's, the queries each makes and the slowest of
them. Never asserts times.

Run: ``.venv/bin/python scripts/with-postgres.py -- .venv/bin/python bench/supervision_bench.py``
(``--cases 20000`` for a quick look); without ``with-postgres.py`` it measures SQLite.
``--reuse`` measures a database that already holds the rows (pass its ``DATABASE_URL``: to
compare two versions of the code on the same rows).

Figures are in docs/operations/performance.md (监督驾驶舱). In short (PostgreSQL 15, 1,000,000
cases, generated in 909 s; load average 10–18 on 2 cores shared with other sessions): the
body's page p50 about 19 s, p95 about 25 s, one agency's page p50 about 4.7 s (ratio of the p95s
4.5), the figures alone 8.6 s against 1.2 s; at load 4–7 the body's page p50 8.6 s, p95 9.9 s,
one agency's 1.6 / 1.9 s (ratio 5.3); before the 预警 counts were fixed the body's page
did not finish (its alert count query was cancelled after 7 minutes).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("SANXIANG_VAR", tempfile.mkdtemp(prefix="sanxiang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
os.environ.setdefault("SANXIANG_BACKGROUND", "off")


def percentile(times: list[float], fraction: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--agencies", type=int, default=50)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--reuse", action="store_true", help="measure the rows already there")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest")
    options = parser.parse_args()

    import django

    django.setup()

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from supervision_data import generate

    from sanxiang.cases.models import Case
    from sanxiang.core.selectors import get_calendar
    from sanxiang.org.models import Agency, Officer, SupervisoryBody
    from sanxiang.supervision.selectors import dashboard_for

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    if options.reuse:
        body = SupervisoryBody.objects.get(name="基准市司法局")
        supervisor_id = Officer.objects.get(name="监督", unit__agency=body.agency).pk
        one = Agency.objects.get(name="基准执法局000").pk
        print(f"{connection.vendor}: reusing {Case.objects.count():,} cases")
    else:
        print(f"{connection.vendor}: generating {options.cases:,} cases over "
              f"{options.agencies} agencies")  # fmt: skip
        made = generate(agencies=options.agencies, cases=options.cases, today=today)
        supervisor_id, one = made.supervisor_id, made.agency_ids[0]
        print(f"generated in {made.seconds:.0f} s ({sum(made.rows.values()):,} rows)")
    supervisor = Officer.objects.select_related("user").get(pk=supervisor_id)
    if supervisor.user is None:
        supervisor.user = get_user_model().objects.create_user(username="bench-jiandu")
        supervisor.save(update_fields=["user"])
    client = Client()
    client.force_login(supervisor.user)
    calendar = get_calendar()

    def figures(agency_id: int | None) -> Callable[[], object]:
        def work() -> object:
            fresh = Officer.objects.prefetch_related("roles").select_related("unit")
            officer = fresh.get(pk=supervisor_id)
            return dashboard_for(officer, today=today, calendar=calendar, agency_id=agency_id)

        return work

    def page(query: str) -> Callable[[], object]:
        def work() -> object:
            response = client.get(f"/office/supervision/{query}")
            assert response.status_code == 200, response.status_code
            return response

        return work

    measures = {
        "figures, one agency": figures(one),
        "figures, body": figures(None),
        "page, one agency": page(f"?agency={one}"),
        "page, body": page(""),
    }
    queries: dict[str, int] = {}
    slowest: dict[str, list[tuple[float, str]]] = {}
    for name, work in measures.items():  # also warms the caches of each
        with CaptureQueriesContext(connection) as captured:
            work()
        queries[name] = len(captured.captured_queries)
        slowest[name] = sorted(
            ((float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries),
            reverse=True,
        )[:3]
    times: dict[str, list[float]] = {name: [] for name in measures}
    for _ in range(options.repeat):
        for name, work in measures.items():
            began = time.perf_counter()
            work()
            times[name].append((time.perf_counter() - began) * 1000)
    for name in measures:
        print(
            f"{name:20} p50 {statistics.median(times[name]):9.1f} ms   "
            f"p95 {percentile(times[name], 0.95):9.1f} ms   queries {queries[name]}"
        )
        for took, sql in slowest[name]:
            print(f"    {took:7.0f} ms  {sql[:150]}")
    for what in ("figures", "page"):
        ratio = percentile(times[f"{what}, body"], 0.95) / percentile(
            times[f"{what}, one agency"], 0.95
        )
        print(f"ratio body / one agency ({what}, p95): {ratio:.1f}x")
    if options.explain and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for _took, sql in slowest["page, body"][:3]:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                print("\n".join(row[0] for row in cursor.fetchall()))
                print()


if __name__ == "__main__":
    main()
