"""Two 负责人 approve the same 立案 at the same moment (run by test_concurrency).

Usage: python -m tests.cases.concurrent_register
Prints one JSON line: each approver's outcome, the case's final state and number.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")

import django

django.setup()

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from sanxiang.cases.models import Case
from sanxiang.cases.services import NewCase, case_open, case_transition, party_add
from sanxiang.cases.workflow.engine import TransitionRefused
from sanxiang.org.models import EnforcementCategory, Officer, RoleAssignment


def second_head() -> Officer:
    first = Officer.objects.get(user__username="liuzhiqiang")
    user, _ = get_user_model().objects.get_or_create(username="deputy-head")
    officer, created = Officer.objects.get_or_create(
        user=user, defaults={"name": "副局长", "gender": "M", "unit": first.unit}
    )
    if created:
        RoleAssignment.objects.create(officer=officer, role="head")
    return officer


def main() -> None:
    zhang = Officer.objects.get(user__username="zhangwei")
    today = timezone.localdate()
    case = case_open(
        actor=zhang,
        new=NewCase(
            procedure="penalty_general", title="并发立案测试", source="巡查发现",
            category=EnforcementCategory.objects.get(name="城市管理"),
            violation_on=today - timedelta(days=3), clue_received_on=today, facts="占道经营",
        ),
    )  # fmt: skip
    party_add(
        actor=zhang,
        case_id=case.pk,
        kind="person",
        name="王某",
        identifier="11010519491231002X",
        address="示范市",
    )
    case.handlers.add(Officer.objects.get(user__username="lina"))
    heads = [Officer.objects.get(user__username="liuzhiqiang"), second_head()]
    barrier = threading.Barrier(len(heads))
    outcomes: list[str] = []

    def approve(head: Officer) -> None:
        try:
            barrier.wait()
            case_transition(actor=head, case_id=case.pk, action="register")
            outcomes.append("ok")
        except TransitionRefused as exc:
            outcomes.append(f"refused: {exc.message}")
        except Exception as exc:  # reported to the test, which fails on it
            outcomes.append(f"error: {exc!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(head,)) for head in heads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    case = Case.objects.get(pk=case.pk)
    print(
        json.dumps(
            {"outcomes": sorted(outcomes), "state": case.state, "number": case.number},
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
