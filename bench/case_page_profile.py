"""Where one case page request spends its time, per state of the case (issue #13, Measures).

For a case of each state asked for (an open 一般程序 case, a decided one, one under 法制审核,
an archived one …), in this process with Django's test client logged in as a handler of the
case (else the agency's 负责人):

- the queries of one request, grouped by the table they read, with their count and time;
- the request's time under ``cProfile``, the functions with the most time of their own and
  those with the most cumulative time among the case page's own code;
- the request's wall time and this process's CPU time over ``--repeat`` requests (medians),
  without the profiler; on a loaded machine the CPU time is the steadier figure.

The forms on the page are drawn by ``cases.page_forms.PageRenderer`` (field template, inputs and
textareas in Python); profile with ``--top 60`` to see what the template engine still costs.

It measures the instance ``SANXIANG_VAR`` points at (``sanxiang demo`` data, or a bench
database: pass its ``DATABASE_URL``). Never asserts times.

Run: ``SANXIANG_VAR=... .venv/bin/python bench/case_page_profile.py [--states decided,archived]``
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import time
from collections import Counter, defaultdict

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
os.environ.setdefault("SANXIANG_BACKGROUND", "off")

DEFAULT_STATES = "investigating,notified,under_review,decided,served,archived"


def table_of(sql: str) -> str:
    verb = sql.split(None, 1)[0].upper()
    found = re.search(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', sql)
    return f"{verb} {found.group(1) if found else '?'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--states", default=DEFAULT_STATES)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from sanxiang.cases.models import Case
    from sanxiang.org.models import Officer, Role

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    for state in args.states.split(","):
        case = (
            Case.objects.filter(state=state, procedure="penalty_general").order_by("-pk").first()
            or Case.objects.filter(state=state).order_by("-pk").first()
        )
        if case is None:
            print(f"\n== {state}: no case in this state")
            continue
        officer = (
            case.handlers.filter(is_active=True).first()
            or Officer.objects.filter(unit__agency_id=case.agency_id, roles__role=Role.HEAD).first()
        )
        assert officer is not None and officer.user is not None
        client = Client()
        client.force_login(officer.user)
        url = f"/office/cases/{case.pk}/"
        assert client.get(url).status_code == 200  # warm
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries = list(captured.captured_queries)  # the next request clears the log
        count: Counter[str] = Counter()
        spent: defaultdict[str, float] = defaultdict(float)
        for query in queries:
            key = table_of(query["sql"])
            count[key] += 1
            spent[key] += float(query["time"])
        walls, cpus = [], []
        for _ in range(args.repeat):
            began, cpu = time.perf_counter(), time.process_time()
            client.get(url)
            walls.append((time.perf_counter() - began) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(5):
            client.get(url)
        profile.disable()
        print(
            f"\n== {state}: case {case.pk} ({case.procedure}) as {officer.name}: "
            f"{len(queries)} queries, {sum(spent.values()) * 1000:.1f} ms in the database; "
            f"median over {args.repeat} requests {statistics.median(walls):.1f} ms wall, "
            f"{statistics.median(cpus):.1f} ms CPU of this process"
        )
        for key, n in count.most_common():
            print(f"   {n:3d} × {key:<45} {spent[key] * 1000:7.2f} ms")
        for order, restrict in (("tottime", ()), ("cumulative", ("/sanxiang/",))):
            out = io.StringIO()
            stats = pstats.Stats(profile, stream=out).sort_stats(order)
            stats.print_stats(*restrict, args.top)
            lines = out.getvalue().splitlines()
            start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
            print(f"   -- by {order} (5 requests) --")
            print(
                "\n".join(
                    "   " + line.replace(os.getcwd() + "/", "")
                    for line in lines[start : start + args.top + 1]
                )
            )


if __name__ == "__main__":
    main()
