"""The navigation's count (/office/desk/count) and the 工作台 with many notifications.

Every office page asks /office/desk/count once drawn; the notifications add one COUNT to it
(``notifications.selectors.unread_count``: the officer's unread rows whose case he may still
see). This measures, for 张伟 (officer: his unit's and his own cases) and 刘志强 (负责人: the
whole agency, the widest case filter), with ``--cases`` bulk cases (case_page_bench's
generator) and:

- phase "none": no notifications;
- phase "many": ``--notifications`` rows spread over every officer, ``--own`` of them for each
  of the two, half unread, on random cases of the agency.

Each timed request follows a baseline request (GET /office/password/, which reads no cases), so
other load on the machine weighs on both; prints p95, the ratio to the baseline's p95 in the
same phase, the query count, and how the ratio grows from "none" to "many". Never asserts
times.

Run: ``.venv/bin/python bench/notifications_bench.py``; under ``scripts/with-postgres.py --``
it measures PostgreSQL.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("SANXIANG_VAR", tempfile.mkdtemp(prefix="sanxiang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
os.environ["SANXIANG_LEDGER_SIGN_EVERY"] = "0"
os.environ["SANXIANG_LEDGER_SIGN_INTERVAL_MINUTES"] = "0"

_spec = importlib.util.spec_from_file_location(
    "case_page_bench", Path(__file__).with_name("case_page_bench.py")
)
assert _spec is not None and _spec.loader is not None
case_page_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(case_page_bench)
percentile, queries_of, timed = (
    case_page_bench.percentile, case_page_bench.queries_of, case_page_bench.timed,
)  # fmt: skip


def add_notifications(total: int, own: int, officers: list[Any]) -> None:
    from django.utils import timezone

    from sanxiang.cases.models import Case
    from sanxiang.notifications.models import Notification
    from sanxiang.org.models import Officer

    rng = random.Random(11)
    now = timezone.now()
    by_agency: dict[int, list[int]] = {}
    for pk, agency in Case.objects.values_list("pk", "agency_id"):
        by_agency.setdefault(agency, []).append(pk)
    everyone = list(Officer.objects.select_related("unit"))
    plan = [(o, own) for o in officers] + [
        (rng.choice(everyone), 1) for _ in range(max(0, total - own * len(officers)))
    ]
    rows = []
    for officer, count in plan:
        cases = by_agency.get(officer.unit.agency_id)
        if not cases:
            continue
        for _ in range(count):
            rows.append(Notification(
                recipient=officer, agency_id=officer.unit.agency_id,
                case_id=rng.choice(cases), kind="approved", text="负责人已办理“立案”",
                read_at=None if rng.random() < 0.5 else now,
            ))  # fmt: skip
            if len(rows) >= 5000:
                Notification.objects.bulk_create(rows)
                rows = []
    Notification.objects.bulk_create(rows)


def measure(sample: int) -> dict[str, tuple[list[float], int]]:
    from django.test import Client
    from django.urls import reverse

    from sanxiang.org.models import Officer

    clients = {}
    for login in ("zhangwei", "liuzhiqiang"):
        client, user = Client(), Officer.objects.get(user__username=login).user
        assert user is not None
        client.force_login(user)
        clients[login] = client

    def get(login: str, url: str) -> Callable[[], object]:
        def fetch() -> None:
            response = clients[login].get(url)
            assert response.status_code == 200, (url, response.status_code)

        return fetch

    base_url, count_url, home = (
        reverse("office:password"), reverse("office:desk-count"), reverse("office:home"),
    )  # fmt: skip
    baseline: list[float] = []

    def paired(action: Callable[[], object]) -> list[float]:
        action()  # warm
        times = []
        for _ in range(sample):
            baseline.extend(timed([get("zhangwei", base_url)]))
            times.extend(timed([action]))
        return times

    result = {}
    for login, who in (("zhangwei", "officer"), ("liuzhiqiang", "head")):
        result[f"desk/count ({who})"] = (
            paired(get(login, count_url)),
            queries_of(get(login, count_url)),
        )
        result[f"工作台 GET ({who})"] = (paired(get(login, home)), queries_of(get(login, home)))
    result["baseline GET /office/password/"] = (baseline, queries_of(get("zhangwei", base_url)))
    return result


def explain(officers: list[Any]) -> None:
    """The plans of the desk's two notification queries (PostgreSQL: with timings)."""
    from django.db import connection

    from sanxiang.notifications.selectors import UNREAD_COUNTED, notifications_for

    analyze = connection.vendor == "postgresql"
    for officer in officers:
        unread = notifications_for(officer).filter(read_at__isnull=True)
        unread = unread.select_related(None).order_by()[:UNREAD_COUNTED]
        print(
            f"-- {officer.name}: unread count\n{unread.explain(analyze=analyze) if analyze else unread.explain()}"
        )
        shown = notifications_for(officer)[:20]
        print(
            f"-- {officer.name}: the 20 shown\n{shown.explain(analyze=analyze) if analyze else shown.explain()}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--notifications", type=int, default=100_000)
    parser.add_argument("--own", type=int, default=5_000, help="for each of the two officers")
    parser.add_argument("--sample", type=int, default=40)
    parser.add_argument(
        "--explain", action="store_true", help="print the notification queries' plans"
    )
    args = parser.parse_args()

    import logging

    import django

    django.setup()
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
    from sanxiang.notifications.models import Notification
    from sanxiang.org.models import Officer

    began = time.perf_counter()
    case_page_bench.Generator().fill(args.cases)
    print(f"{connection.vendor}: {args.cases:,} cases in {time.perf_counter() - began:.0f} s")
    phases = {"none": measure(args.sample)}
    two = list(Officer.objects.select_related("unit").filter(
        user__username__in=("zhangwei", "liuzhiqiang")
    ))  # fmt: skip
    add_notifications(args.notifications, args.own, two)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"{Notification.objects.count():,} notifications, {args.own:,} each for the two")
    if args.explain:
        explain(two)
    phases["many"] = measure(args.sample)

    base = {p: percentile(runs["baseline GET /office/password/"][0], 0.95) for p, runs in
            phases.items()}  # fmt: skip
    print(f"\n{'':<32}{'queries':>8}{'p95 none':>10}{'p95 many':>10}{'÷base none':>11}"
          f"{'÷base many':>11}{'growth':>8}")  # fmt: skip
    for name in phases["many"]:
        (a, qa), (b, qb) = phases["none"][name], phases["many"][name]
        pa, pb = percentile(a, 0.95), percentile(b, 0.95)
        ra, rb = pa / base["none"], pb / base["many"]
        queries = f"{qa}" if qa == qb else f"{qa}/{qb}"
        print(f"{name:<32}{queries:>8}{pa:10.1f}{pb:10.1f}{ra:11.2f}{rb:11.2f}{rb / ra:8.2f}")
    print("p95 in ms; ÷base: over the p95 of the baseline requests interleaved with it; growth:"
          " ÷base with many notifications over ÷base with none")  # fmt: skip


if __name__ == "__main__":
    main()
