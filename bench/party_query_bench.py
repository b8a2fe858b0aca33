"""当事人查询: does a wrong code take longer when the typed case number exists?

Loads the demo data, opens one numbered case with a 查询码, then times ``party_query_verify``
with a wrong code, alternating a number that exists and one that does not (``--runs`` each;
the attempt rows are removed after every call, outside the timing, so the limits never
throttle). Prints the median and the 10th/90th percentiles in microseconds per path, and the
difference of the medians.

Run: ``.venv/bin/python bench/party_query_bench.py [--runs 2000]`` (SQLite), or under
``scripts/with-postgres.py --`` for PostgreSQL.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import tempfile
import time
from datetime import date

os.environ.setdefault("SANXIANG_VAR", tempfile.mkdtemp(prefix="sanxiang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")

import django

django.setup()

from django.core.management import call_command

from sanxiang.cases.models import Case, PartyQueryAttempt, PartyQueryCode
from sanxiang.cases.party_access import PartyQueryRefused, party_query_verify
from sanxiang.demo.services import demo_load
from sanxiang.org.models import EnforcementCategory, Officer


def setup() -> str:
    call_command("migrate", verbosity=0)
    demo_load()
    officer = Officer.objects.select_related("unit").first()
    assert officer is not None
    case = Case.objects.create(
        agency_id=officer.unit.agency_id,
        unit=officer.unit,
        procedure="penalty_general",
        state="investigating",
        number="示城执罚〔2026〕1号",
        title="擅自占用城市道路经营",
        source="巡查发现",
        category=EnforcementCategory.objects.order_by("pk")[0],
        violation_on=date(2026, 3, 2),
        clue_received_on=date(2026, 3, 2),
        created_by=officer,
    )
    PartyQueryCode.objects.create(case=case, code="ABCDEFGHJK", issued_by=officer)
    return str(case.number)


def once(number: str) -> float:
    start = time.perf_counter()
    with contextlib.suppress(PartyQueryRefused):
        party_query_verify(number=number, code="2222222222", client_ip="198.51.100.7")
    elapsed = time.perf_counter() - start
    PartyQueryAttempt.objects.all().delete()
    return elapsed * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()
    known = setup()
    unknown = "示城执罚〔2026〕999号"
    for _ in range(50):  # warm up
        once(known), once(unknown)
    times: dict[str, list[float]] = {"exists": [], "unknown": []}
    for _ in range(args.runs):
        times["exists"].append(once(known))
        times["unknown"].append(once(unknown))
    for label, values in times.items():
        deciles = statistics.quantiles(values, n=10)
        print(
            f"{label:8} median {statistics.median(values):8.1f} µs  "
            f"p10 {deciles[0]:8.1f}  p90 {deciles[-1]:8.1f}  (n={len(values)})"
        )
    difference = statistics.median(times["exists"]) - statistics.median(times["unknown"])
    print(f"median difference (exists - unknown): {difference:+.1f} µs")


if __name__ == "__main__":
    main()
