"""预警 evaluation throughput when cases change state (issue #16, Measures).

Issue #16 asks for the warning evaluation's throughput when 100,000 cases change state, in
events per second, against the transition rate itself. Alerts are evaluated incrementally: every
case step calls the ``alerts`` observer (``alerts.services._after_step``), which runs
``alerts_evaluate(case=…)``: each enabled rule looks at what this one case can change, and the
open alerts of that case are raised or resolved to match, in the step's transaction.

Two measures, on a database holding ``--background`` cases (``supervision_data.generate``: 50
agencies, realistic shares of states, reviews, publications and the open 预警 a daily scan
leaves) plus the demo's agencies and officers:

1. **Transitions through the services** (``case_transition``, the path the case page's buttons
   take: lock, guards, effects, numbering, ledger event, history, observers), ``--steps`` of
   them with the alerts observer installed and as many with it removed, alternating in blocks
   of 50 so the machine's other load weighs on both. The mix, all by the demo's 负责人 刘志强:
   立案 of a 案源登记 case (60 %; the rules find nothing new), 撤案 of a case five days before
   its 决定期限 with an open 办案期限 预警 (30 %; the evaluation resolves it), 不予立案 (10 %;
   the third within 30 days raises 同一人员短期内多次不予立案). Prints events/s of both, their
   ratio, p50/p95 per step, queries per step and the alerts raised and resolved.
2. **The evaluator alone** on ``--evaluate`` change facts (default 100,000): ``alerts_evaluate``
   for one case, as the observer calls it (in a transaction of its own, as a step's), on cases
   of every state picked from the background, in events/s, against the transition rate of
   measure 1 (with alerts off).

Run: ``.venv/bin/python scripts/with-postgres.py -- .venv/bin/python bench/alerts_bench.py``
(``--background 20000 --steps 200 --evaluate 2000`` for a quick look); without
``with-postgres.py`` it measures SQLite. Never asserts times. Figures:
docs/operations/performance.md (预警). In short (load average 14–17 on 2 cores): on PostgreSQL
with 100,000 background cases, 1.4 transitions/s with alerts against 2.0 without (ratio 0.68;
on SQLite the ratio went from 0.54 to 0.62 when a step's check went from about 30 queries to 12);
the evaluator alone 25 change facts/s on PostgreSQL (20,000 run), 12.3 times the transition rate.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("SANXIANG_VAR", tempfile.mkdtemp(prefix="sanxiang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
os.environ.setdefault("SANXIANG_BACKGROUND", "off")
os.environ["SANXIANG_LEDGER_SIGN_EVERY"] = "0"
os.environ["SANXIANG_LEDGER_SIGN_INTERVAL_MINUTES"] = "0"

BLOCK = 50
MIX = (("register", 6), ("withdraw", 3), ("decline", 1))  # out of 10


def percentile(times: list[float], fraction: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def prepare(count: int, action: str, serial: int) -> list[int]:
    """``count`` cases of the demo's 城管局 ready for ``action`` (bulk rows: handlers 张伟 and
    李娜, one party; for 撤案 a registered case five days before its 决定期限 with its open
    办案期限 预警, as the daily scan leaves it)."""
    from case_page_bench import id_number
    from django.utils import timezone

    from sanxiang.alerts.models import Alert, AlertRule
    from sanxiang.cases.models import Case, Party
    from sanxiang.org.models import EnforcementCategory, Officer

    zhang = Officer.objects.get(user__username="zhangwei")
    li = Officer.objects.get(user__username="lina")
    category = EnforcementCategory.objects.get(name="城市管理")
    today = timezone.localdate()
    registered = action == "withdraw"
    began = today - timedelta(days=90 if registered else 10)
    cases = Case.objects.bulk_create(
        Case(
            agency_id=zhang.unit.agency_id, unit_id=zhang.unit_id, procedure="penalty_general",
            state="investigating" if registered else "clue",
            number=f"基准城管罚〔{today.year}〕{serial + n}号" if registered else None,
            title="擅自占用城市道路经营", source="巡查发现", facts="当事人在人民路门前占道摆摊经营",
            category=category, violation_on=began, clue_received_on=began,
            registered_on=began + timedelta(days=5) if registered else None,
            decision_due_on=today + timedelta(days=5) if registered else None,
            step_due_on=today + timedelta(days=5) if registered else None,
            created_by=zhang,
        )
        for n in range(count)
    )  # fmt: skip
    through = Case.handlers.through
    through.objects.bulk_create(
        through(case_id=c.pk, officer_id=o.pk) for c in cases for o in (zhang, li)
    )
    Party.objects.bulk_create(
        Party(case=c, kind="person", name="王某", address="示范市人民路 1 号",
              identifier=id_number(12_000_000 + serial + n))
        for n, c in enumerate(cases)
    )  # fmt: skip
    if registered:
        rule = AlertRule.objects.get(key="decision_due_soon")
        now = timezone.now()
        Alert.objects.bulk_create(
            Alert(rule=rule, agency_id=c.agency_id, case=c, subject=f"case:{c.pk}",
                  text="办案期限将届满", raised_at=now, raised_on=today)
            for c in cases
        )  # fmt: skip
    return [c.pk for c in cases]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--background", type=int, default=200_000)
    parser.add_argument("--steps", type=int, default=2_000, help="per mode (alerts on, off)")
    parser.add_argument("--evaluate", type=int, default=100_000)
    options = parser.parse_args()

    import django

    django.setup()
    logging.getLogger("sanxiang").setLevel(logging.ERROR)

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from supervision_data import generate

    from sanxiang.alerts.models import Alert, AlertStatus
    from sanxiang.alerts.services import _after_step, alerts_evaluate
    from sanxiang.cases.models import Case
    from sanxiang.cases.services import case_transition
    from sanxiang.cases.workflow import observers
    from sanxiang.org.models import Officer

    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    today = timezone.localdate()
    started = time.perf_counter()
    generate(agencies=50, cases=options.background, today=today, log=lambda *_: None)
    print(
        f"{connection.vendor}: {Case.objects.count():,} cases, {Alert.objects.count():,} alerts "
        f"(background written in {time.perf_counter() - started:.0f} s)"
    )
    head = Officer.objects.get(user__username="liuzhiqiang")
    per_mode = {action: options.steps * share // 10 for action, share in MIX}
    todo: dict[str, dict[str, list[int]]] = {}
    serial = 0
    for mode in ("on", "off"):
        todo[mode] = {}
        for action, count in per_mode.items():
            todo[mode][action] = prepare(count + 1, action, serial)
            serial += count + 1
    order = [action for action, share in MIX for _ in range(share)]  # 10 steps, the mix

    def alerts(on: bool) -> None:
        if on:
            observers.register("alerts", _after_step)
        else:
            observers._observers.pop("alerts", None)

    # Queries per step, one of each kind in each mode (these cases are not timed).
    queries: dict[tuple[str, str], int] = {}
    for mode in ("on", "off"):
        alerts(mode == "on")
        for action in per_mode:
            with CaptureQueriesContext(connection) as captured:
                case_transition(actor=head, case_id=todo[mode][action].pop(), action=action)
            queries[mode, action] = len(captured.captured_queries)

    def counts() -> tuple[int, int]:
        """Alerts in all (each raise adds one), and those resolved."""
        return Alert.objects.count(), Alert.objects.filter(status=AlertStatus.RESOLVED).count()

    open_before, resolved_before = counts()
    times: dict[str, dict[str, list[float]]] = {m: {a: [] for a in per_mode} for m in todo}
    spent = {"on": 0.0, "off": 0.0}
    done = {"on": 0, "off": 0}
    position = {"on": 0, "off": 0}
    while any(todo[m][a] for m in todo for a in per_mode):
        for mode in ("on", "off"):
            alerts(mode == "on")
            for _ in range(BLOCK):
                action = order[position[mode] % len(order)]
                position[mode] += 1
                if not todo[mode][action]:
                    continue
                pk = todo[mode][action].pop()
                began = time.perf_counter()
                case_transition(actor=head, case_id=pk, action=action)
                took = time.perf_counter() - began
                spent[mode] += took
                done[mode] += 1
                times[mode][action].append(took * 1000)
    alerts(True)
    open_after, resolved_after = counts()
    rate = {mode: done[mode] / spent[mode] for mode in spent}
    print(f"\ntransitions through case_transition ({done['on']:,} with alerts, "
          f"{done['off']:,} without; mix {', '.join(f'{a} {s}0 %' for a, s in MIX)})")  # fmt: skip
    for mode in ("on", "off"):
        print(f"  alerts {mode:3}: {rate[mode]:7.1f} events/s")
        for action in per_mode:
            found = times[mode][action]
            print(
                f"    {action:9} p50 {statistics.median(found):7.1f} ms  "
                f"p95 {percentile(found, 0.95):7.1f} ms  queries {queries[mode, action]}"
            )
    print(f"  ratio with / without alerts (events/s): {rate['on'] / rate['off']:.2f}")
    print(
        f"  alerts raised {open_after - open_before}, resolved {resolved_after - resolved_before}"
    )
    hours = 100_000 / rate["on"] / 3600
    print(f"  100,000 transitions at this rate: {hours:.1f} h with alerts (one process)")

    if options.evaluate:
        every = list(Case.objects.order_by("pk").values_list("pk", flat=True))
        ids = random.Random(16).sample(every, min(options.evaluate, len(every)))
        cases = {c.pk: c for c in Case.objects.filter(pk__in=ids)}
        with CaptureQueriesContext(connection) as captured:
            alerts_evaluate(today=today, case=cases[ids[0]])
        per_call = len(captured.captured_queries)
        open_before, resolved_before = counts()
        began = time.perf_counter()
        for pk in ids:
            with transaction.atomic():  # as in a step: one transaction per change
                alerts_evaluate(today=today, case=cases[pk])
        took = time.perf_counter() - began
        open_after, resolved_after = counts()
        print(f"\nalerts_evaluate alone on {len(ids):,} change facts: {took:.0f} s, "
              f"{len(ids) / took:,.0f} events/s, {per_call} queries each "
              f"(raised {open_after - open_before}, "
              f"resolved {resolved_after - resolved_before})")  # fmt: skip
        print(f"  ratio evaluator / transitions without alerts (events/s): "
              f"{len(ids) / took / rate['off']:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
