"""投诉举报: what the rate limits cost a registration, and whether a flood's rows slow it down.

Loads the demo data, then times ``complaint_submit`` (no attachment; each from its own address
and session, so the limits never refuse) in three situations, ``--runs`` each, in one run:

1. baseline — the ``Submission`` table (what the limits count) is empty;
2. after ``--rows`` (200,000) registrations and failed lookups from ``--addresses`` (20,000)
   addresses spread over the last day were written straight to the table (the aftermath of a
   flood);
3. the same, timing only the limit check (``_throttle_check``: three counts) on its own.

Prints the median and 90th percentile (ms) of each and the ratios to the baseline. The honeypot
and the fill-time stamp cost nothing measurable (one dictionary look-up, one HMAC) and are not
timed. Never asserts times.

Run: ``.venv/bin/python bench/complaints_bench.py [--runs 300] [--rows 200000]`` (SQLite), or
under ``scripts/with-postgres.py --`` for PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import timedelta

os.environ.setdefault("SANXIANG_VAR", tempfile.mkdtemp(prefix="sanxiang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
os.environ["SANXIANG_LEDGER_SIGN_EVERY"] = "0"
os.environ["SANXIANG_LEDGER_SIGN_INTERVAL_MINUTES"] = "0"

import django

django.setup()

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from sanxiang.complaints import services
from sanxiang.complaints.models import Outcome, Submission
from sanxiang.demo.services import demo_load
from sanxiang.org.models import Agency

_serial = 0


def _client() -> services.Client:
    global _serial
    _serial += 1
    return services.Client(
        address_hash=services.client_hash(f"bench-address-{_serial}"),
        session_hash=services.client_hash(f"bench-session-{_serial}"),
    )


def submit_ms(agency_id: int) -> float:
    new = services.NewComplaint(
        agency_id=agency_id,
        kind="report",
        subject="violation",
        text="人民路 12 号门前长期占道经营，晚上十点以后仍在营业，影响通行。",
    )
    start = time.perf_counter()
    services.complaint_submit(new=new, client=_client())
    return (time.perf_counter() - start) * 1000


def check_ms() -> float:
    client = _client()
    start = time.perf_counter()
    with transaction.atomic():
        services._throttle_check(client)
    return (time.perf_counter() - start) * 1000


def flood(rows: int, addresses: int) -> None:
    now = timezone.now()
    hashes = [services.client_hash(f"flood-{i}") for i in range(addresses)]
    batch = []
    for i in range(rows):
        address = random.choice(hashes)
        batch.append(
            Submission(
                at=now - timedelta(seconds=random.randint(0, 86_400)),
                address_hash=address,
                session_hash=services.client_hash(f"flood-session-{i}"),
                outcome=Outcome.REGISTERED if i % 3 else Outcome.LOOKUP_FAILED,
            )
        )
        if len(batch) == 10_000:
            Submission.objects.bulk_create(batch)
            batch = []
    Submission.objects.bulk_create(batch)


def summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.9)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--addresses", type=int, default=20_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    demo_load()
    agency_id = Agency.objects.order_by("pk").values_list("pk", flat=True)[0]
    for _ in range(20):  # warm up
        submit_ms(agency_id)
    Submission.objects.all().delete()
    baseline = [submit_ms(agency_id) for _ in range(args.runs)]
    Submission.objects.all().delete()
    check_empty = [check_ms() for _ in range(args.runs)]
    flood(args.rows, args.addresses)
    flooded = [submit_ms(agency_id) for _ in range(args.runs)]
    check_flooded = [check_ms() for _ in range(args.runs)]
    from django.db import connection

    print(f"database: {connection.vendor}; {args.runs} runs each; flood: {args.rows} rows")
    base_median, _ = summary(baseline)
    check_median, _ = summary(check_empty)
    for name, times, against in (
        ("registration, empty table", baseline, base_median),
        ("registration, after the flood", flooded, base_median),
        ("limit check alone, empty table", check_empty, check_median),
        ("limit check alone, after the flood", check_flooded, check_median),
    ):
        median, p90 = summary(times)
        print(f"{name:38s} median {median:7.2f} ms  p90 {p90:7.2f} ms  ×{median / against:.2f}")
    print(
        f"the limit check is {100 * check_median / base_median:.0f}% of a registration "
        "(empty table)"
    )


if __name__ == "__main__":
    main()
