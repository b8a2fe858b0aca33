"""Several runners sending at the same moment (run by test_push_concurrency).

Usage: python -m tests.disclosure.concurrent_push RUNNERS
Publishes and corrects one decision with six push targets (twelve deliveries), starts RUNNERS
threads, each ``push_run`` on its own database connection, against one loopback receiver.
Prints one JSON line: how often each delivery key arrived, and the outbox's final states.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections import Counter
from datetime import timedelta
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")

import django

django.setup()

from django.db import connection
from django.utils import timezone

from sanxiang.cases.services import NewCase, case_open, case_transition, party_add
from sanxiang.disclosure.models import Delivery, DeliveryAttempt, Publication, PushTarget
from sanxiang.disclosure.push import push_run, signer_for
from sanxiang.disclosure.services import (
    publication_confirm,
    publication_correct,
    publication_draft,
)
from sanxiang.org.models import EnforcementCategory, Officer
from tests.disclosure.receiver import Receiver

TARGETS = 6


def published() -> Publication:
    zhang = Officer.objects.get(user__username="zhangwei")
    head = Officer.objects.get(user__username="liuzhiqiang")
    today = timezone.localdate()
    case = case_open(
        actor=zhang,
        new=NewCase(
            procedure="penalty_simple", title="并发推送测试", source="巡查发现",
            category=EnforcementCategory.objects.get(name="城市管理"),
            violation_on=today - timedelta(days=1), clue_received_on=today,
            facts="占道经营", fine_yuan=Decimal("50"),
        ),
    )  # fmt: skip
    party_add(
        actor=zhang, case_id=case.pk, kind="person", name="王某",
        identifier="11010519491231002X", address="示范市",
    )  # fmt: skip
    case.handlers.add(Officer.objects.get(user__username="lina"))
    case_transition(actor=zhang, case_id=case.pk, action="decide_on_spot")
    publication = Publication.objects.get(case=case)
    draft = publication_draft(publication)
    publication_confirm(actor=head, publication_id=publication.pk, draft_sha256=draft.sha256)
    publication.refresh_from_db()
    publication_correct(
        actor=head, publication_id=publication.pk,
        text=publication.public_text + "\n（更正：已缴纳罚款）", reason="补充",
    )  # fmt: skip
    return publication


def main() -> None:
    runners = int(sys.argv[1])
    with Receiver(public_key_pem=signer_for(PushTarget()).public_key_pem) as receiver:
        targets = [
            PushTarget.objects.create(name=f"平台{i}", url=f"{receiver.url}/{i}", timeout_seconds=5)
            for i in range(TARGETS)
        ]
        publication = published()
        barrier = threading.Barrier(runners)
        failures: list[str] = []

        def run() -> None:
            try:
                barrier.wait()
                push_run(limit=100)
            except Exception as exc:  # reported to the test, which fails on it
                failures.append(repr(exc))
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _ in range(runners)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        deliveries = Delivery.objects.filter(publication=publication)
        arrivals = Counter(r.headers["idempotency-key"] for r in receiver.received if r.valid)
        print(
            json.dumps(
                {
                    "failures": failures,
                    "deliveries": deliveries.count(),
                    "statuses": sorted(deliveries.values_list("status", flat=True)),
                    "arrivals": sorted(arrivals.values()),
                    "invalid": [r.problem for r in receiver.received if not r.valid],
                    "attempts": DeliveryAttempt.objects.filter(delivery__in=deliveries).count(),
                }
            )
        )
        # Leave the shared instance as it was for the tests after this one.
        PushTarget.objects.filter(pk__in=[t.pk for t in targets]).update(enabled=False)


if __name__ == "__main__":
    main()
