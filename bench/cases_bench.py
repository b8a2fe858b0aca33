"""Case screens under load: 我的案件 and a real 立案 transition, at 100k cases.

A bench-only generator writes a realistic dataset straight to the tables (100k cases over the
demo's agencies and three years, two parties' worth of rows per case, handlers, due dates);
then ``sanxiang serve`` (gunicorn, the production server) runs and a *separate process* sends
concurrent requests over loopback, measuring p50/p95:

- baseline: the portal home page through the same server stack, same run;
- 我的案件 for an officer handling thousands of cases;
- a case page (the officer's view with its allowed steps), on cases in 案源登记;
- 立案 (register) by POST, each request on a different case in 案源登记; the transition's own
  answer (302) is timed, not the case page it redirects to.

Run: ``.venv/bin/python bench/cases_bench.py [--cases 100000]``; under
``scripts/with-postgres.py --`` it measures PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import date, timedelta
from http.cookiejar import CookieJar
from pathlib import Path

from serving import serve_and_load

os.environ.setdefault("SANXIANG_VAR", tempfile.mkdtemp(prefix="sanxiang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
os.environ["SANXIANG_LEDGER_SIGN_EVERY"] = "0"
os.environ["SANXIANG_LEDGER_SIGN_INTERVAL_MINUTES"] = "0"


def generate(count: int) -> list[int]:
    """Write ``count`` cases; returns ids of 案源登记 cases ready to be registered."""
    import django

    django.setup()
    from django.core.management import call_command

    from sanxiang.cases.models import Case, Party
    from sanxiang.org.models import EnforcementCategory, Officer

    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    officers = list(
        Officer.objects.filter(certificates__isnull=False).select_related("unit").distinct()
    )
    by_agency: dict[int, list[Officer]] = {}
    for officer in officers:
        if not officer.roles.filter(role="reviewer").exists():
            by_agency.setdefault(officer.unit.agency_id, []).append(officer)
    categories = {c.name: c for c in EnforcementCategory.objects.all()}
    rng = random.Random(7)
    states = [
        "clue",
        "investigating",
        "investigated",
        "notified",
        "decided",
        "served",
        "closed",
        "archived",
    ]
    today = date.today()
    zhang = Officer.objects.get(user__username="zhangwei")
    li = Officer.objects.get(user__username="lina")
    ready: list[int] = []
    batch: list[Case] = []
    through = Case.handlers.through
    for index in range(count):
        agency_id = rng.choice(list(by_agency))
        staff = by_agency[agency_id]
        first = rng.choice(staff)
        opened = today - timedelta(days=rng.randrange(0, 3 * 365))
        state = rng.choice(states)
        batch.append(
            Case(
                agency_id=agency_id, unit_id=first.unit_id, procedure="penalty_general", state=state,
                number=None if state == "clue" else f"BENCH〔{opened.year}〕{index}号",
                title="占道经营", source="巡查发现", facts="bench",
                category=categories["城市管理" if agency_id == zhang.unit.agency_id else "市场监管"],
                violation_on=opened, clue_received_on=opened,
                registered_on=None if state == "clue" else opened,
                step_due_on=opened + timedelta(days=90), step_due_basis="自立案之日起90日（行政处罚法第六十条）",
                created_by=first,
            )
        )  # fmt: skip
        if len(batch) == 5000 or index == count - 1:
            created = Case.objects.bulk_create(batch)
            links, parties = [], []
            for case in created:
                if case.agency_id == zhang.unit.agency_id and rng.random() < 0.3:
                    pair = [zhang, li]
                else:
                    pair = rng.sample(by_agency[case.agency_id], 2)
                links += [through(case_id=case.pk, officer_id=o.pk) for o in pair]
                parties.append(
                    Party(
                        case=case,
                        kind="person",
                        name="王某",
                        identifier="11010519491231002X",
                        address="示范市",
                    )
                )
                if case.state == "clue" and pair[0] == zhang:
                    ready.append(case.pk)
            through.objects.bulk_create(links)
            Party.objects.bulk_create(parties)
            batch = []
    return ready


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class _Keep302(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


NO_REDIRECT = urllib.request.build_opener(_Keep302)
NO_REDIRECT.addheaders = []


def load(
    base: str,
    path_for: Callable[[int, int], str | None],
    method: str,
    seconds: float,
    threads: int,
    cookies: str,
    token: str,
) -> list[float]:
    timings: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(n: int) -> None:
        i = 0
        while time.monotonic() < stop:
            path = path_for(n, i)
            if path is None:
                return
            request = urllib.request.Request(
                base + path, method=method, data=b"action=register" if method == "POST" else None
            )
            request.add_header("Cookie", cookies)
            if method == "POST":
                request.add_header("X-CSRFToken", token)
                request.add_header("Content-Type", "application/x-www-form-urlencoded")
            began = time.perf_counter()
            # The transition itself: its 302 is not followed (the case page is measured apart).
            try:
                with NO_REDIRECT.open(request, timeout=30) as response:
                    response.read()
            except urllib.error.HTTPError as exc:
                if exc.code != 302:
                    raise
                exc.read()
            with lock:
                timings.append(time.perf_counter() - began)
            i += 1

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return timings


def client(base: str, ready: list[int], threads: int, seconds: float) -> None:
    """The load generator (runs in its own process)."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/office/login/").read().decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    body = f"username=zhangwei&password=sanxiang-demo&csrfmiddlewaretoken={token}".encode()
    opener.open(urllib.request.Request(base + "/office/login/", data=body))
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    csrf = next(c.value or "" for c in jar if c.name == "csrftoken")
    results = {}
    results["baseline /gongshi/"] = load(
        base, lambda n, i: "/gongshi/", "GET", seconds, threads, cookies, csrf
    )
    results["我的案件 /office/cases/"] = load(
        base, lambda n, i: "/office/cases/", "GET", seconds, threads, cookies, csrf
    )
    results["案件页面 /office/cases/<id>/"] = load(
        base, lambda n, i: f"/office/cases/{ready[(n * 997 + i) % len(ready)]}/", "GET",
        seconds, threads, cookies, csrf,
    )  # fmt: skip
    queue = list(ready)

    def next_case(n: int, i: int) -> str | None:
        return f"/office/cases/{queue.pop()}/act" if queue else None

    # The registering officer must be a head: the bench logs in as zhangwei, so it grants him the role.
    results["立案 POST /office/cases/<id>/act"] = load(
        base, next_case, "POST", seconds, threads, cookies, csrf
    )
    print(
        json.dumps({name: [round(t * 1000, 2) for t in values] for name, values in results.items()})
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--client", nargs=2, metavar=("BASE", "READY_FILE"))
    args = parser.parse_args()
    if args.client:
        client(
            args.client[0], json.loads(Path(args.client[1]).read_text()), args.threads, args.seconds
        )
        return
    began = time.perf_counter()
    ready = generate(args.cases)
    from django.db import connection

    from sanxiang.org.models import Officer, RoleAssignment

    RoleAssignment.objects.get_or_create(
        officer=Officer.objects.get(user__username="zhangwei"), role="head"
    )
    print(
        f"database: {connection.vendor}; generated {args.cases:,} cases in {time.perf_counter() - began:.0f} s"
    )
    ready_file = Path(os.environ["SANXIANG_VAR"]) / "ready.json"
    ready_file.write_text(json.dumps(ready))
    results = serve_and_load(__file__, ready_file, threads=args.threads, seconds=args.seconds)
    baseline = statistics.median(results["baseline /gongshi/"])
    for name, values in results.items():
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        print(
            f"{name:<34} n={len(values):>6}  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  p50/baseline {p50 / baseline:5.1f}"
        )


if __name__ == "__main__":
    main()
