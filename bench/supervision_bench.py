"""The 监督驾驶舱 of a supervising body over many agencies, against one agency's dashboard.

Issue #16's measure, at a scale this machine allows: the dashboard of a supervising body over
``--agencies`` (50) agencies holding ``--cases`` cases in all, against the dashboard of one of
those agencies (per unit) in the same run. A bench-only generator writes the rows straight to
the tables (no ledger, no services): 一般程序 cases in realistic shares of states (about half
open, deadlines spread around today), a 须法制审核 determination for a fifth of them and a review
(most passed) for most of those, a publication for the decided ones (on time, late, pending,
overdue), a withdrawal for a few.

Each dashboard is computed in this process (``supervision.selectors.dashboard_for``, what the
page calls) ``--repeat`` times; prints p50/p95, the ratio of the body's p95 to the one agency's
p95, and the queries each makes. Never asserts times.

Run: ``.venv/bin/python scripts/with-postgres.py -- .venv/bin/python bench/supervision_bench.py``
(``--cases 20000`` for a quick look); without ``with-postgres.py`` it measures SQLite.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta

os.environ.setdefault("SANXIANG_VAR", tempfile.mkdtemp(prefix="sanxiang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
os.environ.setdefault("SANXIANG_BACKGROUND", "off")

OPEN = ["clue", "investigating", "investigated", "notified", "under_review", "decided", "served"]
DONE = ["closed", "archived", "not_registered", "withdrawn", "executed"]


def _timed(work: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=50)
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=15)
    options = parser.parse_args()

    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from sanxiang.cases.models import Case
    from sanxiang.core.selectors import get_calendar
    from sanxiang.disclosure.models import Publication
    from sanxiang.org.models import (
        Agency,
        EnforcementCategory,
        Officer,
        RoleAssignment,
        SupervisoryBody,
        Unit,
    )
    from sanxiang.org.services import categories_load
    from sanxiang.review.models import Determination, Review
    from sanxiang.supervision.selectors import dashboard_for

    call_command("migrate", verbosity=0)
    from pathlib import Path

    categories_load(
        path=Path(__file__).resolve().parents[1] / "data" / "enforcement_categories.csv"
    )
    category = EnforcementCategory.objects.order_by("pk").first()
    assert category is not None
    rng = random.Random(16)
    today = timezone.localdate()
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        bureau = Agency.objects.create(
            name="基准市司法局", credit_code="11990100MB9999990X", level="municipal",
            region="基准市", address="-", phone="-", authority_basis="-",
        )  # fmt: skip
        body = SupervisoryBody.objects.create(
            name="基准市司法局", level="municipal", region="基准市", agency=bureau
        )
        supervisor = Officer.objects.create(
            name="监督", gender="F", unit=Unit.objects.create(agency=bureau, name="监督科")
        )
        RoleAssignment.objects.create(officer=supervisor, role="supervisor")
        agencies, people = [], []
        for i in range(options.agencies):
            agency = Agency.objects.create(
                name=f"基准执法局{i:03d}", credit_code=f"11990100MB{i:07d}X", level="county",
                region="基准市", address="-", phone="-", authority_basis="-",
            )  # fmt: skip
            units = [Unit.objects.create(agency=agency, name=f"执法{u}队") for u in range(3)]
            officer = Officer.objects.create(name=f"办案{i}", gender="M", unit=units[0])
            agencies.append((agency, units))
            people.append(officer)
        body.agencies.set([a for a, _ in agencies])
        per_agency = max(1, options.cases // options.agencies)
        for (agency, units), officer in zip(agencies, people, strict=True):
            batch = []
            for _n in range(per_agency):
                state = rng.choice(OPEN) if rng.random() < 0.5 else rng.choice(DONE)
                due = today + timedelta(days=rng.randint(-20, 40)) if state in OPEN else None
                batch.append(
                    Case(
                        agency=agency,
                        unit=rng.choice(units),
                        procedure="penalty_general",
                        state=state,
                        title="基准案件",
                        source="巡查发现",
                        category=category,
                        violation_on=today,
                        clue_received_on=today,
                        step_due_on=due,
                        created_by=officer,
                    )
                )
            Case.objects.bulk_create(batch, batch_size=2000)
            ids = list(Case.objects.filter(agency=agency).values_list("pk", "state"))
            determinations, reviews, publications = [], [], []
            for pk, state in ids:
                if rng.random() < 0.2:
                    determinations.append(
                        Determination(
                            case_id=pk,
                            action="decide",
                            required=True,
                            rules=[],
                            reason="-",
                            actor=officer,
                        )
                    )
                    if rng.random() < 0.8:
                        submitted = now - timedelta(days=rng.randint(5, 300))
                        passed = rng.random() < 0.8
                        reviews.append(
                            Review(
                                case_id=pk,
                                agency=agency,
                                reviewer=officer,
                                need_reason="-",
                                status="passed" if passed else "under_review",
                                due_on=today,
                                submitted_at=submitted,
                                passed_at=submitted + timedelta(days=rng.randint(1, 10))
                                if passed
                                else None,
                            )
                        )
                if state in ("decided", "served", "closed", "executed", "archived"):
                    decided = today - timedelta(days=rng.randint(1, 300))
                    due_on = decided + timedelta(days=7)
                    published = rng.random() < 0.85
                    at = (
                        datetime.combine(
                            due_on + timedelta(days=rng.randint(-6, 3)), datetime.min.time()
                        ).replace(tzinfo=now.tzinfo)
                        if published
                        else None
                    )
                    publications.append(
                        Publication(
                            case_id=pk,
                            agency=agency,
                            kind="penalty",
                            title="-",
                            decided_on=decided,
                            due_on=due_on,
                            due_basis="-",
                            fields={},
                            status="published" if published else "pending",
                            published_at=at,
                            withdrawal_due_on=due_on if rng.random() < 0.02 else None,
                        )
                    )
            Determination.objects.bulk_create(determinations, batch_size=2000)
            Review.objects.bulk_create(reviews, batch_size=2000)
            Publication.objects.bulk_create(publications, batch_size=2000)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
        else:
            cursor.execute("ANALYZE")
    made = Case.objects.count()
    print(
        f"{connection.vendor}: {made:,} cases over {options.agencies} agencies "
        f"generated in {time.perf_counter() - started:.0f} s"
    )
    supervisor = (
        Officer.objects.prefetch_related("roles").select_related("unit").get(pk=supervisor.pk)
    )
    calendar = get_calendar()
    one = agencies[0][0].pk

    def whole() -> object:
        fresh = (
            Officer.objects.prefetch_related("roles").select_related("unit").get(pk=supervisor.pk)
        )
        return dashboard_for(fresh, today=today, calendar=calendar)

    def single() -> object:
        fresh = (
            Officer.objects.prefetch_related("roles").select_related("unit").get(pk=supervisor.pk)
        )
        return dashboard_for(fresh, today=today, calendar=calendar, agency_id=one)

    results = {}
    for name, work in (("one agency (per unit)", single), ("body, all agencies", whole)):
        with CaptureQueriesContext(connection) as queries:
            work()
        slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:2]
        times = sorted(_timed(work, options.repeat))
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        results[name] = p95
        print(
            f"{name:24} p50 {statistics.median(times):8.1f} ms   p95 {p95:8.1f} ms   "
            f"queries {len(queries)}"
        )
        for query in slowest:
            print(f"    slowest: {float(query['time']) * 1000:.0f} ms  {query['sql'][:160]}")
    ratio = results["body, all agencies"] / results["one agency (per unit)"]
    print(f"ratio body / one agency (p95): {ratio:.1f}x")


if __name__ == "__main__":
    main()
