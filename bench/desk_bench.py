"""The 工作台, the case page and the case list under load at 100k cases, against the portal home.

Issue #13's measure: p95 of the 工作台 (/office/) and of a case page at 100,000 cases, with the
portal's home page (/gongshi/) measured in the same run as the baseline, and the queries each
page makes.

1. A bench-only generator writes ``--cases`` cases straight to the tables, over both demo
   agencies and three years, in the states of 一般程序 in realistic shares (about half still
   open): each with 1–3 parties, 2–3 handlers, the dates and deciders its state implies, its
   status history (``StepTaken``), its timeline (ledger events, written as rows: the Merkle log
   is not consistent, which no page reads), one 文书 row per document its steps made, and a
   current-step deadline (some overdue, some due within days). 张伟 (the officer the load logs
   in as) handles about 3% of his agency's cases, and his unit's cases are all visible to him.
2. The queries of each page are counted in this process (Django's test client) on
   PostgreSQL or SQLite, and case pages in every state are checked to answer 200.
3. ``sanxiang serve`` (gunicorn, ``--workers 2`` gthread workers of 4 threads; the machine has 2
   cores) runs as a separate process; a separate load-client process (stdlib threads and
   ``http.client``, one connection each, kept alive where the server allows: ``sanxiang serve``
   closes each since the eleventh round) runs ``--threads`` (8) clients logged in as
   张伟, each page in turn for ``--seconds``: the portal home, the 工作台, a random case page of
   his, and 我的案件.

Prints p50/p95/p99 per page, the ratio of each p95 to the portal home's p95 in the same run,
and the queries per page. Open Zaak cannot be installed here (it is not on PyPI, npm or
Debian): its figures are those reported in issue #13 (run beside ours on the same machine with
the same load client), printed as a cited external anchor, not measured by this script.
Never asserts times.

Run: ``.venv/bin/python scripts/with-postgres.py -- .venv/bin/python bench/desk_bench.py``
(``--cases 10000`` for a quick look); without ``with-postgres.py`` it measures SQLite. To
generate the cases once and measure them again (another version of the code, the same rows):
``with-postgres.py --keep DIR -- … desk_bench.py`` the first time, then ``with-postgres.py --keep
DIR -- … desk_bench.py --reuse`` (keep ``SANXIANG_VAR`` too).

Last runs, 2026-12-06, PostgreSQL 15, 100,000 cases, 8 clients, 30 s per page, the machine
shared with other sessions' tests: before the desk speed work (load average 13–17) portal
home p95 655 ms; 工作台 11,523 ms (17.6 × portal, 46 queries); case page 4,660 ms (7.11 ×, 28
queries at most); case list 2,136 ms (3.26 ×). After (load average 10–14): portal 603 ms;
工作台 9,431 ms (15.6 ×, 33 queries); case page 3,383 ms (5.61 ×, 26); list 1,683 ms (2.79 ×).
The aim (case page p95 under 139 ms) is not met on this machine; the list stays ahead of Open
Zaak's cited 2.8 s. Fourth round (the officer read with the log-in, the supervision notice and
the late fee cheaper), load average 9–12 before and 13–15 after: portal 467 → 953 ms (load
only); 工作台 6,278 → 11,112 ms (13.4 → 11.7 ×, 33 → 32 queries); case page 2,990 → 4,061 ms
(6.40 → 4.26 ×, 26 → 25); list 1,471 → 2,336 ms (3.15 → 2.45 ×). In process the case page's
CPU went 63.6 → 52.0 ms (medians of three alternating runs). Fifth round (the case fetch's
subqueries, the 拟处理意见's boxes), 25 s per page, this change / main / this change, load 10–13:
case page p95 716 / 981 / 1,711 ms (3.33 / 5.11 / 7.57 × portal), 工作台 16.7 / 13.3 / 24.6 ×,
list 2.01 / 3.26 / 4.12 ×: noise larger than the change; in process the case page's CPU went
about 10–15 % down (4 handler pages 50.5 → 42.3 ms). Fifth round, second part (the 工作台's
期限 rows as values, its counts and the navigation badge's in one query each), two pairs of
runs in both orders, load average 7–13: 工作台 ÷ portal 12.57 (change) / 10.94 (main), then 12.97
(main) / 9.80 (change), 32 → 31 queries; the second run of a pair was better whichever code it
ran, so the load decided it. In process 张伟's 工作台 CPU 82.9 → 80.8 ms and the 负责人's 94.0
→ 88.5 ms. Seventh round (relations read only when held or asked for, officers' roles and
certificates in one query, the log-in in one), alternately main / this / main / this, 15 s per
page, load 3–5: case page p95 297 / 258 / 331 / 218 ms (5.57 / 3.96 / 4.91 / 2.60 × portal),
工作台 15.9 / 11.4 / 19.0 / 9.0 ×, queries 25 → 14 (case page, most) and 31 → 19 (工作台). See
docs/operations/performance.md. Tenth round (prepared statements on by default, workers' objects
frozen out of the garbage collector's way, the 工作台's candidates and lists), a new machine,
load under 1, 15 s per page: before, portal 50 ms, 工作台 595 ms (11.9 ×, 19 queries), case page
173 ms (3.44 ×, 14), list 147 ms; after, portal 38 ms, 工作台 492 ms (13.1 ×, 20), case page
131 ms (3.49 ×, 14), list 127 ms: the case page under the aim in this run, not in every run
(docs/operations/performance.md, "Tenth round"). Eleventh round (a worker takes a connection
only when a thread of its is free, one request per connection), now / before / now, 30 s per
page: portal 44 / 44 / 46 ms; 工作台 408 / 542 / 433 ms (9.22 / 12.28 / 9.45 ×); case page 128 /
153 / 128 ms (2.89 / 3.47 / 2.79 ×); list 127 / 152 / 135 ms ("Eleventh round").
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from serving import serve_and_load

os.environ.setdefault("SANXIANG_VAR", tempfile.mkdtemp(prefix="sanxiang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
os.environ["SANXIANG_LEDGER_SIGN_EVERY"] = "0"
os.environ["SANXIANG_LEDGER_SIGN_INTERVAL_MINUTES"] = "0"
os.environ.setdefault("SANXIANG_BACKGROUND", "off")

LOGIN, PASSWORD = "zhangwei", "sanxiang-demo"

# Issue #13: Open Zaak beside ours, 100,000 cases, the same load client, 8 clients (p95, ms).
OPEN_ZAAK = {"case page": 693.0, "case list": 2800.0}
ISSUE_RUN = {"case page": 907.0, "case list": 254.0}

# 一般程序 states in realistic shares (weights), and the main-line steps that lead to each.
SHARES = {
    "clue": 7, "not_registered": 3, "investigating": 15, "investigated": 7, "withdrawn": 2,
    "notified": 8, "decided": 5, "served": 8, "executed": 5, "closed": 5, "archived": 35,
}  # fmt: skip
PATHS = {
    "clue": [],
    "not_registered": ["decline"],
    "investigating": ["register"],
    "investigated": ["register", "conclude"],
    "withdrawn": ["register", "withdraw"],
    "notified": ["register", "conclude", "notify"],
    "decided": ["register", "conclude", "notify", "decide"],
    "served": ["register", "conclude", "notify", "decide", "serve"],
    "executed": ["register", "conclude", "notify", "decide", "serve", "execute"],
    "closed": ["register", "conclude", "notify", "decide", "serve", "execute", "close"],
    "archived": ["register", "conclude", "notify", "decide", "serve", "execute", "close",
                 "archive"],
}  # fmt: skip
TARGET = {"decline": "not_registered", "register": "investigating", "conclude": "investigated",
          "withdraw": "withdrawn", "notify": "notified", "decide": "decided", "serve": "served",
          "execute": "executed", "close": "closed", "archive": "archived"}  # fmt: skip
# The document a step makes (the row the case page lists).
DOCUMENT_OF = {"register": "registration", "notify": "advance_notice", "decide": "decision",
               "serve": "service_proof", "close": "closing_approval"}  # fmt: skip
OPEN_STATES = {"clue", "investigating", "investigated", "notified", "decided", "served"}
ID_CHECK = "10X98765432"
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(serial: int) -> str:
    """A valid 18-digit citizen number (GB 11643), distinct for serials below 20 million."""
    born = date(1960, 1, 1) + timedelta(days=serial % 20_000)
    body = f"110105{born:%Y%m%d}{serial // 20_000 % 1000:03d}"
    return body + ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


# --- the data ---------------------------------------------------------------------------------


class Generator:
    """Bulk rows for cases and what their pages read, 2,000 cases a batch."""

    def __init__(self) -> None:
        from django.db.models import Max

        from sanxiang.ledger.models import LedgerEntry, LedgerLog
        from sanxiang.ledger.services import ledger_append
        from sanxiang.org.models import EnforcementCategory, Officer, Role

        self.rng = random.Random(13)
        staff = Officer.objects.filter(certificates__isnull=False, is_active=True)
        staff = staff.exclude(roles__role=Role.REVIEWER).select_related("unit", "user").distinct()
        self.by_agency: dict[int, list[Any]] = {}
        for officer in staff:
            self.by_agency.setdefault(officer.unit.agency_id, []).append(officer)
        heads = Officer.objects.filter(roles__role=Role.HEAD).select_related("unit", "user")
        self.heads = {h.unit.agency_id: h for h in heads}
        self.zhang = Officer.objects.select_related("unit").get(user__username=LOGIN)
        self.agencies = sorted(self.by_agency)
        self.category = {
            a: EnforcementCategory.objects.filter(certificates__officer__unit__agency_id=a).first()
            for a in self.agencies
        }
        self.logs = {}
        for agency in self.agencies:
            log = LedgerLog.objects.filter(agency_id=agency).first()
            if log is None:  # the agency's log is made by its first event
                ledger_append(actor="system", action="cases.case.party_viewed",
                              object_type="cases.case", object_id="0", agency_id=agency)  # fmt: skip
                log = LedgerLog.objects.get(agency_id=agency)
            self.logs[agency] = log.pk
        self.index = {
            log: (LedgerEntry.objects.filter(log_id=log).aggregate(m=Max("index"))["m"] or 0) + 1
            for log in self.logs.values()
        }
        self.sequence = (LedgerEntry.objects.aggregate(m=Max("sequence"))["m"] or 0) + 1
        self.states = list(SHARES)
        self.weights = list(SHARES.values())
        self.made = 0

    def fill(self, total: int) -> None:
        while self.made < total:
            self._batch(min(2000, total - self.made))

    def _batch(self, size: int) -> None:
        from django.utils import timezone

        from sanxiang.cases.models import Case, CaseDocument, Party, StepTaken
        from sanxiang.ledger.models import LedgerEntry

        rng, today = self.rng, timezone.localdate()
        plans = []
        cases = []
        for n in range(size):
            serial = self.made + n
            agency = rng.choice(self.agencies)
            staff = self.by_agency[agency]
            handlers = rng.sample(staff, min(len(staff), rng.choice((2, 2, 3))))
            if agency == self.zhang.unit.agency_id and rng.random() < 0.03:
                handlers = [self.zhang, *[o for o in handlers if o != self.zhang][:1]]
            first, head = handlers[0], self.heads[agency]
            state = rng.choices(self.states, self.weights)[0]
            path = PATHS[state]
            # Open cases are recent; finished ones spread over three years.
            age = rng.randrange(5, 120) if state in OPEN_STATES else rng.randrange(60, 3 * 365)
            opened = today - timedelta(days=age)
            days = [opened + timedelta(days=min(age - 1, 5 + 12 * i)) for i in range(len(path))]
            on = dict(zip(path, days, strict=True))
            # The current step's deadline: some overdue, some due within days, most later.
            due = None
            if state in OPEN_STATES:
                due = today + timedelta(days=rng.randint(-30, 90))
            registered = "register" in on
            decided = "decide" in on
            cases.append(Case(
                agency_id=agency, unit_id=first.unit_id, procedure="penalty_general", state=state,
                number=f"BENCH〔{opened.year}〕{serial + 1}号" if registered else None,
                title=rng.choice(("占道经营", "擅自占用城市道路", "未按规定设置油烟净化设施",
                                  "销售不符合标准的商品", "无照经营")),
                source=rng.choice(("巡查发现", "群众举报", "上级交办")),
                facts="当事人在人民路门前占道摆摊经营", category=self.category[agency],
                violation_on=opened, clue_received_on=opened,
                registered_on=on.get("register"), registered_by=head if registered else None,
                penalty_kinds=["fine"] if "notify" in on else [],
                fine_yuan=rng.choice((200, 500, 1000, 3000)) if "notify" in on else None,
                notified_on=on.get("notify"),
                statement_closed_on=on["notify"] + timedelta(days=5) if decided else None,
                decided_on=on.get("decide"),
                decision_due_on=on["register"] + timedelta(days=90) if registered else None,
                served_on=on.get("serve"),
                payment_due_on=on["serve"] + timedelta(days=15) if "serve" in on else None,
                closed_by=head if "close" in on else None,
                step_due_on=due, step_due_basis="自立案之日起90日（行政处罚法第六十条）" if due else "",
                created_by=first,
            ))  # fmt: skip
            plans.append((handlers, head, path, on, opened, agency))
        created = Case.objects.bulk_create(cases)
        through = Case.handlers.through
        links: list[Any] = []
        parties: list[Party] = []
        steps: list[StepTaken] = []
        documents: list[CaseDocument] = []
        entries: list[LedgerEntry] = []
        for case, (handlers, head, path, on, opened, agency) in zip(created, plans, strict=True):
            links += [through(case_id=case.pk, officer_id=o.pk) for o in handlers]
            count = rng.choice((1, 1, 1, 1, 1, 1, 1, 2, 2, 3))
            parties += [
                Party(case_id=case.pk, kind="person", name=rng.choice(("王某", "李某", "赵某")),
                      address="示范市人民路 1 号", identifier=id_number(case.pk * 3 + n))
                for n in range(count)
            ]  # fmt: skip
            first = handlers[0]
            events = [("opened", "", "clue", first, opened)]
            events += [("party_added", "clue", "clue", first, opened)] * count
            events.append(("handlers_set", "clue", "clue", first, opened))
            state = "clue"
            for action in path:
                actor = (
                    head
                    if action in ("register", "decline", "withdraw", "decide", "close")
                    else first
                )
                events.append((action, state, TARGET[action], actor, on[action]))
                state = TARGET[action]
                if action in DOCUMENT_OF:
                    documents.append(CaseDocument(
                        case_id=case.pk, kind=DOCUMENT_OF[action], version=1,
                        docx_sha256=f"{case.pk:064x}", pdf_sha256=f"{case.pk + 1:064x}",
                        verification_code=f"B{case.pk:09d}{len(documents) % 100:02d}{action[:3]}",
                        created_by=actor,
                    ))  # fmt: skip
            for action, before, after, actor, day in events:
                at = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(
                    hours=9, minutes=rng.randrange(480)
                )
                steps.append(StepTaken(
                    case_id=case.pk, action=action, from_state=before, to_state=after,
                    officer_id=actor.pk, actor=f"user:{actor.user_id}", taken_at=at, taken_on=day,
                ))  # fmt: skip
                log = self.logs[agency]
                leaf = json.dumps({"action": f"cases.case.{action}", "object_id": str(case.pk)})
                entries.append(LedgerEntry(
                    sequence=self.sequence, log_id=log, index=self.index[log], recorded_at=at,
                    actor=f"user:{actor.user_id}", agency_id=agency, action=f"cases.case.{action}",
                    object_type="cases.case", object_id=str(case.pk), leaf=leaf,
                ))  # fmt: skip
                self.sequence += 1
                self.index[log] += 1
        through.objects.bulk_create(links)
        Party.objects.bulk_create(parties)
        StepTaken.objects.bulk_create(steps, batch_size=5000)
        CaseDocument.objects.bulk_create(documents, batch_size=5000)
        LedgerEntry.objects.bulk_create(entries, batch_size=5000)
        self.made += len(created)


def visible_sample(count: int) -> dict[str, list[int]]:
    """Case ids 张伟 may open, by state (at most ``count`` in all, spread over the states)."""
    from sanxiang.cases.selectors import cases_for
    from sanxiang.org.models import Officer

    zhang = Officer.objects.select_related("unit").get(user__username=LOGIN)
    by_state: dict[str, list[int]] = {}
    per_state = max(1, count // len(SHARES))
    for state in SHARES:
        ids = cases_for(zhang).filter(state=state)
        by_state[state] = list(ids.order_by("?").values_list("pk", flat=True)[:per_state])
    return by_state


def count_queries(by_state: dict[str, list[int]]) -> dict[str, Any]:
    """Queries per page (test client in this process); every case page checked for 200."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from sanxiang.org.models import Officer

    client = Client()
    user = Officer.objects.get(user__username=LOGIN).user
    assert user is not None
    client.force_login(user)

    def queries(url: str, anonymous: bool = False) -> int:
        (Client() if anonymous else client).get(url)  # warm
        with CaptureQueriesContext(connection) as captured:
            response = (Client() if anonymous else client).get(url)
        assert response.status_code == 200, (url, response.status_code)
        return len(captured.captured_queries)

    per_state = {}
    for state, ids in by_state.items():
        counts = [queries(f"/office/cases/{pk}/") for pk in ids[:5]]
        if counts:
            per_state[state] = max(counts)
    return {
        "portal home": queries("/gongshi/", anonymous=True),
        "工作台": queries("/office/"),
        "case list": queries("/office/cases/"),
        "case page": per_state,
    }


# --- the load client (a separate process) -----------------------------------------------------


class Session:
    """One client: its own connection (opened again when the server closed it) and log-in."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.connection = http.client.HTTPConnection(host, port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        return response.status, data

    def log_in(self) -> None:
        status, page = self.request("GET", "/office/login/")
        token = page.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        body = urlencode({"username": LOGIN, "password": PASSWORD, "csrfmiddlewaretoken": token})
        status, _ = self.request("POST", "/office/login/", body)
        assert status == 302, f"log-in answered {status}"


def client(base: str, plan_file: str, threads: int, seconds: float) -> None:
    host, port = base.removeprefix("http://").split(":")
    plan = json.loads(Path(plan_file).read_text())
    ids: list[int] = [pk for ids in plan.values() for pk in ids]
    sessions = [Session(host, int(port)) for _ in range(threads)]
    for session in sessions:
        session.log_in()
    pages: dict[str, Callable[[random.Random], str]] = {
        "portal home": lambda rng: "/gongshi/",
        "工作台": lambda rng: "/office/",
        "case page": lambda rng: f"/office/cases/{rng.choice(ids)}/",
        "case list": lambda rng: "/office/cases/",
    }
    # Warm each worker (imports, templates) on every page before anything is timed.
    warm = random.Random(0)
    for session in sessions:
        for path_of in pages.values():
            session.request("GET", path_of(warm))
    results: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    for name, path_of in pages.items():
        timings: list[float] = []
        failed = [0]
        lock = threading.Lock()
        stop = time.monotonic() + seconds

        def work(n: int, path_of: Any = path_of, timings: list[float] = timings,
                 failed: list[int] = failed, lock: threading.Lock = lock, stop: float = stop) -> None:  # fmt: skip
            rng = random.Random(n)
            session = sessions[n]
            while time.monotonic() < stop:
                path = path_of(rng)
                began = time.perf_counter()
                status, _ = session.request("GET", path)
                took = (time.perf_counter() - began) * 1000
                with lock:
                    if status == 200:
                        timings.append(took)
                    else:
                        failed[0] += 1

        pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        results[name] = [round(t, 2) for t in timings]
        errors[name] = failed[0]
    print(json.dumps({"timings": results, "errors": errors}))


# --- the run ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=8, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=30, help="of load per page")
    parser.add_argument("--sample", type=int, default=2_000, help="case ids the load picks from")
    parser.add_argument(
        "--reuse", action="store_true", help="measure a database already holding --cases cases"
    )
    parser.add_argument("--client", nargs=2, metavar=("BASE", "PLAN_FILE"))
    args = parser.parse_args()
    if args.client:
        client(args.client[0], args.client[1], args.threads, args.seconds)
        return

    import logging

    import django

    django.setup()
    logging.getLogger("sanxiang.core.deadlines").setLevel(logging.ERROR)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    from sanxiang.cases.models import Case

    # A database already filled (DATABASE_URL of an earlier run's server, --reuse) is measured
    # as it is: two versions of the code can then be compared on the same rows.
    reuse = args.reuse and Case.objects.count() >= args.cases
    if not reuse:
        call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("collectstatic", interactive=False, verbosity=0)
    began = time.perf_counter()
    if not reuse:
        Generator().fill(args.cases)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    total, took = Case.objects.count(), time.perf_counter() - began
    print(
        f"{connection.vendor}: {total:,} cases ({'reused' if reuse else 'generated'} in {took:.0f} s)"
    )
    by_state = visible_sample(args.sample)
    print(f"{sum(map(len, by_state.values())):,} case pages of {LOGIN} in the load's sample")
    queries = count_queries(by_state)
    plan_file = Path(os.environ["SANXIANG_VAR"]) / "desk-plan.json"
    plan_file.write_text(json.dumps(by_state))
    connection.close()
    print(f"load: {args.threads} clients x {args.seconds:.0f} s per page against `sanxiang serve`"
          " (gunicorn, 2 gthread workers x 4 threads), from a separate process", flush=True)  # fmt: skip
    out: dict[str, Any] = serve_and_load(
        __file__, plan_file, threads=args.threads, seconds=args.seconds
    )
    timings, errors = out["timings"], out["errors"]
    base = percentile(timings["portal home"], 0.95)
    print(f"\n{'page':<14}{'n':>7}{'err':>5}{'p50':>9}{'p95':>9}{'p99':>9}{'p95÷portal':>12}"
          f"{'queries':>9}")  # fmt: skip
    for name, values in timings.items():
        count = queries[name]
        shown = f"{max(count.values())}" if isinstance(count, dict) else f"{count}"
        p50, p95, p99 = (percentile(values, f) for f in (0.5, 0.95, 0.99))
        print(f"{name:<14}{len(values):>7}{errors[name]:>5}{p50:9.1f}{p95:9.1f}{p99:9.1f}"
              f"{p95 / base:12.2f}{shown:>9}")  # fmt: skip
    print(
        "times in ms; queries: per request (case page: the most over its states, by state "
        f"below); mean case page {statistics.mean(timings['case page']):.1f} ms"
    )
    print("case page queries by state: "
          + ", ".join(f"{s} {c}" for s, c in queries["case page"].items()))  # fmt: skip
    ours = {name: percentile(timings[name], 0.95) for name in ("case page", "case list")}
    print("\nExternal anchor, cited from issue #13 (NOT measured by this script: Open Zaak is not"
          " installable here).\nOpen Zaak at 100,000 cases, 8 clients, p95: one case"
          f" {OPEN_ZAAK['case page']:.0f} ms, case list {OPEN_ZAAK['case list']:.0f} ms; ours in"
          f" that run: {ISSUE_RUN['case page']:.0f} ms and {ISSUE_RUN['case list']:.0f} ms.")  # fmt: skip
    print(f"Aim: case page p95 under {OPEN_ZAAK['case page'] / 5:.0f} ms (a fifth of Open Zaak's);"
          f" measured {ours['case page']:.0f} ms = {ours['case page'] / OPEN_ZAAK['case page']:.2f}"
          f" of Open Zaak's; case list {ours['case list']:.0f} ms ="
          f" {ours['case list'] / OPEN_ZAAK['case list']:.2f} of Open Zaak's.")  # fmt: skip
    print("(Machines differ: compare the ÷portal ratios across runs, the anchor only roughly.)")


if __name__ == "__main__":
    main()
