"""Deadline arithmetic speed: ``core.workdays`` against ``chinese_calendar.find_workday``.

Baseline: ``chinese_calendar.find_workday(n, d)``, measured in the same run on the same inputs.
Only starts that are working days are used, because there both functions mean "the n-th
working day after d" (from a holiday start, find_workday counts the first working day as day 0,
which is not how 行政处罚法第八十五条 counts). Results are checked equal before timing.

Run: ``.venv/bin/python bench/workdays_bench.py`` (uses a throwaway SANXIANG_VAR).
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta

os.environ.setdefault("SANXIANG_VAR", tempfile.mkdtemp(prefix="sanxiang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")

import chinese_calendar
import django

django.setup()

from django.core.management import call_command

from sanxiang.core import selectors, workdays

CALLS = 20_000


def inputs(calendar: workdays.WorkdayCalendar) -> list[tuple[date, int]]:
    rng = random.Random(2026)
    result: list[tuple[date, int]] = []
    while len(result) < CALLS:
        start = date(2005, 1, 1) + timedelta(days=rng.randrange(0, 7600))
        if calendar.is_workday(start):
            result.append((start, rng.choice((3, 5, 7, 20))))
    return result


def timed(label: str, fn: Callable[[date, int], date], cases: list[tuple[date, int]]) -> float:
    began = time.perf_counter()
    for start, n in cases:
        fn(start, n)
    seconds = time.perf_counter() - began
    print(f"{label:<46} {CALLS / seconds:>12,.0f} calls/s")
    return seconds


def main() -> None:
    call_command("migrate", verbosity=0)
    calendar = workdays.package_calendar()
    cases = inputs(calendar)
    for start, n in cases[:2000]:
        assert calendar.add_workdays(start, n) == chinese_calendar.find_workday(n, start)
    baseline = timed(
        "baseline chinese_calendar.find_workday",
        lambda start, n: chinese_calendar.find_workday(n, start),
        cases,
    )
    pure = timed("WorkdayCalendar.add_workdays (pure core)", calendar.add_workdays, cases)
    db_cases = cases[: CALLS // 20]
    began = time.perf_counter()
    for start, n in db_cases:
        selectors.add_workdays(start, n)
    per_call_db = (time.perf_counter() - began) / len(db_cases)
    label = "selectors.add_workdays (loads overrides per call)"
    print(f"{label:<46} {1 / per_call_db:>12,.0f} calls/s")
    print(f"ratio pure core / baseline: {baseline / pure:.2f}x faster")
    print(f"ratio DB-backed / baseline: {(baseline / CALLS) / per_call_db:.2f}x")


if __name__ == "__main__":
    main()
