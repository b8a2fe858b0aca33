"""The case page and two common steps (立案, 调查终结) at 1k and at 100k cases, in one process.

What it measures, with the query count of each (Django's test Client, logged in as the
handler 张伟; the steps through ``case_transition`` as the services run them):

- baseline: the officer home page (/office/), which reads no cases, measured in each phase;
- 案件页面 (/office/cases/<id>/) of cases just registered (调查取证: the engine, its guards and
  the page's lists all run);
- ``case_transition(action="register")`` by the 负责人 刘志强 on cases in 案源登记;
- ``case_transition(action="conclude")`` by the handler on the same cases.

Phase 1 fills the database to ``--small`` cases (1k), phase 2 to ``--cases`` (100k); each
phase opens ``--sample`` fresh cases through the real services (``case_open``, ``party_add``,
``handlers_set``: so they have their ledger events and timeline) and measures them. The rest
are bulk rows written straight to the tables: cases over both demo agencies and three years in
every state, 1–3 parties (1.3 on average) and 2–3 handlers per case. Bulk cases get no ledger
rows (building their Merkle nodes would measure the generator); instead ``--ledger-events``
events on bulk cases go through ``ledger_append`` before phase 1, so the log is not empty.

Each timed request or step follows a baseline request, so other load on the machine weighs on
both; prints the p95 per measure and phase, its ratio to the baseline's p95 in the same phase,
and how that ratio grows from 1k to 100k cases. Never asserts times.

Run: ``.venv/bin/python bench/case_page_bench.py``; under ``scripts/with-postgres.py --`` it
measures PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta

os.environ.setdefault("SANXIANG_VAR", tempfile.mkdtemp(prefix="sanxiang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
os.environ["SANXIANG_LEDGER_SIGN_EVERY"] = "0"
os.environ["SANXIANG_LEDGER_SIGN_INTERVAL_MINUTES"] = "0"

STATES = ("clue", "investigating", "investigated", "notified", "decided", "served", "closed",
          "archived")  # fmt: skip
ID_CHECK = "10X98765432"
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(serial: int) -> str:
    """A valid 18-digit citizen number (GB 11643), distinct for serials below 20 million."""
    born = date(1960, 1, 1) + timedelta(days=serial % 20_000)
    body = f"110105{born:%Y%m%d}{serial // 20_000 % 1000:03d}"
    return body + ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


class Generator:
    """Bulk rows for cases, their parties and handlers, in batches."""

    def __init__(self) -> None:
        from sanxiang.org.models import EnforcementCategory, Officer, Role

        self.rng = random.Random(7)
        staff = Officer.objects.filter(certificates__isnull=False, is_active=True)
        staff = staff.exclude(roles__role=Role.REVIEWER).select_related("unit").distinct()
        self.by_agency: dict[int, list[Officer]] = {}
        for officer in staff:
            self.by_agency.setdefault(officer.unit.agency_id, []).append(officer)
        self.agencies = sorted(self.by_agency)
        self.category = {
            a: EnforcementCategory.objects.filter(certificates__officer__unit__agency_id=a).first()
            for a in self.agencies
        }
        self.made = 0

    def fill(self, total: int) -> None:
        from sanxiang.cases.models import Case, Party

        through = Case.handlers.through
        today = date.today()
        while self.made < total:
            batch = []
            for index in range(self.made, min(total, self.made + 5000)):
                agency = self.rng.choice(self.agencies)
                first = self.rng.choice(self.by_agency[agency])
                opened = today - timedelta(days=self.rng.randrange(1, 3 * 365))
                state = self.rng.choice(STATES)
                batch.append(Case(
                    agency_id=agency, unit_id=first.unit_id, procedure="penalty_general",
                    state=state, number=None if state == "clue" else f"BENCH〔{opened.year}〕{index}号",
                    title="占道经营", source="巡查发现", facts="bench", category=self.category[agency],
                    violation_on=opened, clue_received_on=opened,
                    registered_on=None if state == "clue" else opened,
                    step_due_on=opened + timedelta(days=90), created_by=first,
                ))  # fmt: skip
            created = Case.objects.bulk_create(batch)
            links, parties = [], []
            for case in created:
                staff = self.by_agency[case.agency_id]
                handlers = self.rng.sample(staff, min(len(staff), self.rng.choice((2, 2, 3))))
                links += [through(case_id=case.pk, officer_id=o.pk) for o in handlers]
                parties += [
                    Party(case=case, kind="person", name="王某", address="示范市",
                          identifier=id_number(case.pk * 3 + n))
                    for n in range(self.rng.choice((1, 1, 1, 1, 1, 1, 1, 2, 2, 3)))
                ]  # fmt: skip
            through.objects.bulk_create(links)
            Party.objects.bulk_create(parties)
            self.made += len(created)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def queries_of(action: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def timed(actions: list[Callable[[], object]]) -> list[float]:
    timings = []
    for action in actions:
        began = time.perf_counter()
        action()
        timings.append((time.perf_counter() - began) * 1000)
    return timings


def open_sample(count: int, serial: int) -> list[int]:
    """Cases opened by 张伟 through the services, with a party and 李娜 as second handler."""
    from sanxiang.cases.services import NewCase, case_open, handlers_set, party_add
    from sanxiang.org.models import EnforcementCategory, Officer

    zhang = Officer.objects.get(user__username="zhangwei")
    li = Officer.objects.get(user__username="lina")
    category = EnforcementCategory.objects.get(name="城市管理")
    day = date.today() - timedelta(days=10)
    ids = []
    for n in range(count):
        new = NewCase(procedure="penalty_general", title="擅自占用城市道路经营", source="巡查发现",
                      category=category, violation_on=day, clue_received_on=day,
                      facts="当事人在人民路门前占道摆摊经营")  # fmt: skip
        case = case_open(actor=zhang, new=new)
        party_add(actor=zhang, case_id=case.pk, kind="person", name="王某",
                  identifier=id_number(10_000_000 + serial + n), address="示范市人民路 1 号")  # fmt: skip
        handlers_set(actor=zhang, case_id=case.pk, officers=[zhang, li])
        ids.append(case.pk)
    return ids


def measure(sample: int, warm: int) -> dict[str, tuple[list[float], int]]:
    """Times of each measure on ``sample`` fresh cases; query counts on ``warm`` more."""
    from django.test import Client
    from django.urls import reverse

    from sanxiang.cases.models import Case
    from sanxiang.cases.services import case_transition
    from sanxiang.org.models import Officer

    zhang = Officer.objects.get(user__username="zhangwei")
    head = Officer.objects.get(user__username="liuzhiqiang")
    client = Client()
    assert zhang.user is not None
    client.force_login(zhang.user)

    def get(url: str) -> Callable[[], object]:
        def fetch() -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return fetch

    def step(actor: Officer, case_id: int, action: str) -> Callable[[], object]:
        return lambda: case_transition(actor=actor, case_id=case_id, action=action)

    serial = Case.objects.count()
    extra, ids = open_sample(warm, serial), open_sample(sample, serial + warm)
    home = reverse("office:home")
    counts = {
        "register": queries_of(step(head, extra[0], "register")),
        "page": queries_of(get(reverse("cases:detail", args=[extra[0]]))),
        "conclude": queries_of(step(zhang, extra[0], "conclude")),
        "home": queries_of(get(home)),
    }
    for pk in extra[1:]:  # warm caches and connections the same way in both phases
        step(head, pk, "register")()
        get(reverse("cases:detail", args=[pk]))()
    # Each timed request follows a baseline one, so the other load on the machine weighs on
    # both alike; each measure is then read as a multiple of the baseline.
    baseline: list[float] = []

    def paired(actions: list[Callable[[], object]]) -> list[float]:
        times = []
        for action in actions:
            baseline.extend(timed([get(home)]))
            times.extend(timed([action]))
        return times

    register = paired([step(head, pk, "register") for pk in ids])
    page = paired([get(reverse("cases:detail", args=[pk])) for pk in ids])
    conclude = paired([step(zhang, pk, "conclude") for pk in ids])
    return {
        "baseline GET /office/": (baseline, counts["home"]),
        "register (立案)": (register, counts["register"]),
        "case page GET": (page, counts["page"]),
        "conclude (调查终结)": (conclude, counts["conclude"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--sample", type=int, default=60)
    parser.add_argument("--ledger-events", type=int, default=1_000)
    args = parser.parse_args()

    import logging

    import django

    django.setup()
    # Due dates crossing into a year whose holidays are not entered warn once per step.
    logging.getLogger("sanxiang.core.deadlines").setLevel(logging.ERROR)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    from sanxiang.cases.models import Case
    from sanxiang.ledger.services import ledger_append

    generator = Generator()
    phases: dict[str, dict[str, tuple[list[float], int]]] = {}
    for label, total in (("1k", args.small), ("100k", args.cases)):
        began = time.perf_counter()
        generator.fill(total)
        if not phases:
            first = list(Case.objects.order_by("pk").values_list("pk", "agency_id")[:1000])
            for n in range(args.ledger_events):
                pk, agency = first[n % len(first)]
                ledger_append(actor="system", action="cases.case.party_viewed",
                              object_type="cases.case", object_id=pk, agency_id=agency)  # fmt: skip
        print(
            f"{connection.vendor}: {Case.objects.count():,} cases "
            f"(filled in {time.perf_counter() - began:.0f} s)",
            flush=True,
        )
        phases[label] = measure(args.sample, warm=4)

    small, large = phases["1k"], phases["100k"]
    base = {
        label: percentile(runs["baseline GET /office/"][0], 0.95) for label, runs in phases.items()
    }
    print(f"\n{'':<22}{'queries':>8}{'p95 1k':>9}{'p95 100k':>10}{'÷base 1k':>10}{'÷base 100k':>11}"
          f"{'growth':>8}")  # fmt: skip
    for name in large:
        (a, count), (b, count_large) = small[name], large[name]
        pa, pb = percentile(a, 0.95), percentile(b, 0.95)
        ra, rb = pa / base["1k"], pb / base["100k"]
        queries = f"{count}" if count == count_large else f"{count}/{count_large}"
        print(f"{name:<22}{queries:>8}{pa:9.1f}{pb:10.1f}{ra:10.2f}{rb:11.2f}{rb / ra:8.2f}")
    print(
        "p95 in ms; ÷base: p95 over the p95 of the baseline requests interleaved with it; growth:"
        " ÷base at 100k over ÷base at 1k; queries counted on a case outside the sample"
    )


if __name__ == "__main__":
    main()
