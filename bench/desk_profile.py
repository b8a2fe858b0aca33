"""Where a 工作台, case list or case page request spends its time, on the desk bench's data.

Issue #13's measure, profiled before it is measured under load (``desk_bench.py``): in this
process, with Django's test client, for 张伟 (an officer handling about 3 % of his agency's
cases), his agency's 负责人 and 法制审核人员, and a 监督人员 (pages ``desk``, ``head``,
``reviewer``, ``supervisor``; the last two show no case step),

- the queries of one request: their count, time grouped by table, and the slowest ones with
  their plan (``EXPLAIN ANALYZE`` on PostgreSQL);
- the request's wall time and this process's CPU time (medians over ``--repeat`` requests);
- a ``cProfile`` of a few requests: the functions with the most time of their own, and the
  project's own functions by cumulative time.

The database is filled with ``--cases`` cases by ``desk_bench.py``'s generator unless it
already holds that many (pass the ``DATABASE_URL`` of a kept database). Never asserts times.

``--html DIR`` writes each 工作台's HTML (CSRF tokens masked) to ``DIR/<page>.html``: run it
with two versions of the code on the same rows and compare the files (``cmp``), to show a
change made the desks cheaper without changing what they show.

Run: ``.venv/bin/python scripts/with-postgres.py -- .venv/bin/python bench/desk_profile.py
--cases 10000`` (``--pages desk,head`` to profile only some pages).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

os.environ.setdefault("SANXIANG_VAR", tempfile.mkdtemp(prefix="sanxiang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
os.environ["SANXIANG_LEDGER_SIGN_EVERY"] = "0"
os.environ["SANXIANG_LEDGER_SIGN_INTERVAL_MINUTES"] = "0"
os.environ.setdefault("SANXIANG_BACKGROUND", "off")

PAGES = "desk,head,reviewer,supervisor,list,investigating,notified,decided,served,archived"
# The 工作台 pages: whose desk each shows (``--html DIR`` writes their HTML, CSRF tokens masked).
DESKS = ("desk", "head", "reviewer", "supervisor")


def table_of(sql: str) -> str:
    verb = sql.split(None, 1)[0].upper()
    found = re.search(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', sql)
    return f"{verb} {found.group(1) if found else '?'}"


def masked(html: str) -> str:
    """The page without what differs between two requests (CSRF tokens)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', html)
    return re.sub(r'name="csrf-token" content="[^"]*"', 'name="csrf-token"', html)


def profile(
    client: Any, url: str, label: str, repeat: int, top: int, explain: int, html: Path | None = None
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm
    assert response.status_code == 200, url
    if html is not None:
        html.write_text(masked(response.content.decode()))
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = list(captured.captured_queries)
    count: Counter[str] = Counter()
    spent: defaultdict[str, float] = defaultdict(float)
    for query in queries:
        count[table_of(query["sql"])] += 1
        spent[table_of(query["sql"])] += float(query["time"])
    walls, cpus = [], []
    for _ in range(repeat):
        began, cpu = time.perf_counter(), time.process_time()
        client.get(url)
        walls.append((time.perf_counter() - began) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    print(
        f"\n== {label} ({url}): {len(queries)} queries, "
        f"{sum(spent.values()) * 1000:.1f} ms in the database; median over {repeat} requests "
        f"{statistics.median(walls):.1f} ms wall, {statistics.median(cpus):.1f} ms CPU"
    )
    for key, n in count.most_common():
        print(f"   {n:3d} × {key:<45} {spent[key] * 1000:7.2f} ms")
    slowest = sorted(queries, key=lambda q: -float(q["time"]))[:explain]
    for query in slowest:
        print(f"   -- {float(query['time']) * 1000:.1f} ms: {query['sql'][:600]}")
        if connection.vendor == "postgresql" and query["sql"].upper().startswith("SELECT"):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN ANALYZE " + query["sql"])
                for (line,) in cursor.fetchall():
                    print(f"      {line}")
    stats_profile = cProfile.Profile()
    stats_profile.enable()
    for _ in range(3):
        client.get(url)
    stats_profile.disable()
    for order, restrict in (("tottime", ()), ("cumulative", ("/sanxiang/",))):
        out = io.StringIO()
        pstats.Stats(stats_profile, stream=out).sort_stats(order).print_stats(*restrict, top)
        lines = out.getvalue().splitlines()
        start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
        print(f"   -- by {order} (3 requests) --")
        print("\n".join("   " + line for line in lines[start : start + top + 1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--pages", default=PAGES)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--explain", type=int, default=3, help="slowest queries explained")
    parser.add_argument("--html", type=Path, help="write each 工作台's HTML here (CSRF masked)")
    args = parser.parse_args()

    import django

    django.setup()
    from desk_bench import LOGIN, Generator
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from sanxiang.cases.models import Case
    from sanxiang.cases.selectors import cases_for
    from sanxiang.org.models import Officer, Role

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if Case.objects.count() < args.cases:
        call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        began = time.perf_counter()
        Generator().fill(args.cases)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        print(f"generated {args.cases:,} cases in {time.perf_counter() - began:.0f} s")
    print(f"{connection.vendor}: {Case.objects.count():,} cases")
    zhang = Officer.objects.select_related("unit").get(user__username=LOGIN)
    head = Officer.objects.get(unit__agency_id=zhang.unit.agency_id, roles__role=Role.HEAD)
    agency = Officer.objects.filter(unit__agency_id=zhang.unit.agency_id).order_by("pk")
    desks = {
        "desk": ("", zhang),
        "head": ("负责人 ", head),
        "reviewer": ("法制审核 ", agency.filter(roles__role=Role.REVIEWER).first()),
        "supervisor": ("监督 ", Officer.objects.filter(roles__role=Role.SUPERVISOR).first()),
    }
    clients = {}
    for _, officer in desks.values():
        if officer is not None and officer.user is not None:
            clients[officer.pk] = Client()
            clients[officer.pk].force_login(officer.user)
    if args.html:
        args.html.mkdir(parents=True, exist_ok=True)
    for page in args.pages.split(","):
        if page in DESKS:
            title, officer = desks[page]
            if officer is None or officer.pk not in clients:
                print(f"\n== {page}: no such officer with a log-in")
                continue
            html = args.html / f"{page}.html" if args.html else None
            profile(clients[officer.pk], "/office/", f"工作台, {title}{officer.name}", args.repeat,
                    args.top, args.explain, html)  # fmt: skip
        elif page == "list":
            profile(clients[zhang.pk], "/office/cases/", f"我的案件, {zhang.name}", args.repeat,
                    args.top, args.explain)  # fmt: skip
        else:
            case = cases_for(zhang).filter(state=page, handlers=zhang).order_by("-pk").first()
            if case is None:
                print(f"\n== {page}: no case of {zhang.name} in this state")
                continue
            profile(clients[zhang.pk], f"/office/cases/{case.pk}/", f"case page, {page}",
                    args.repeat, args.top, args.explain)  # fmt: skip


if __name__ == "__main__":
    main()
