"""Helper process of test_two_nodes, on the served installation (its SANXIANG_VAR and
DATABASE_URL): what the test needs done through the real services.

Usage: python -m tests.ledger.concurrent_two_nodes pick | hold AGENCY_ID

- ``pick``: one JSON line: for two agencies, an officer's log-in and two evidence records he
  has just filed (his own unit's: he opens them without giving a reason).
- ``hold AGENCY_ID``: once a line arrives on standard input, appends one event to the agency's
  log in a transaction, prints ``{"pid": <its PostgreSQL backend pid>, "index": …}`` and keeps
  the transaction (and the log's lock) open until another line arrives; then commits.
"""

from __future__ import annotations

import io
import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")

import django

django.setup()

from django.db import connection, transaction
from django.utils import timezone

from sanxiang.cases.models import Case, Procedure, evidence_reference
from sanxiang.cases.services.opening import NewCase, case_open
from sanxiang.evidence.services import Upload, evidence_register
from sanxiang.evidence.storage import digest_stream
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Agency, EnforcementCategory, Officer, Role


def pick() -> list[dict[str, object]]:
    """In each of the first two agencies, the first 执法人员 opens a case and files two photos
    under it (the real services, as the upload form calls them)."""
    chosen: list[dict[str, object]] = []
    category = EnforcementCategory.objects.order_by("pk").first()
    assert category is not None
    for agency in Agency.objects.order_by("pk")[:2]:
        officer = next(
            o
            for o in Officer.objects.filter(unit__agency=agency, is_active=True)
            .exclude(user=None)
            .order_by("pk")
            if o.has_role(Role.OFFICER) and not o.password_must_change
        )
        today = timezone.localdate()
        case = case_open(
            actor=officer,
            new=NewCase(
                procedure=Procedure.PENALTY_GENERAL, title="两个节点同时调阅证据",
                source="日常巡查发现", category=category, violation_on=today,
                clue_received_on=today,
            ),
        )  # fmt: skip
        items = []
        for n in range(2):
            handle = io.BytesIO(
                b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + f"现场照片 {case.pk}-{n}".encode()
            )
            upload = Upload(handle=handle, filename=f"photo{n}.jpg", digests=digest_stream(handle))
            item = evidence_register(
                actor=officer,
                upload=upload,
                metadata={
                    "case_number": evidence_reference(Case.objects.get(pk=case.pk)),
                    "kind": "photo", "collected_at": timezone.now(), "location": "示范市人民路",
                    "collector": officer, "proves": "现场情况", "device": "执法记录仪",
                },
            )  # fmt: skip
            items.append(item.pk)
        assert officer.user is not None
        chosen.append({"agency": agency.pk, "username": officer.user.username, "items": items})
    return chosen


def hold(agency: int) -> None:
    sys.stdin.readline()  # started early, so that it is ready when the test needs it
    with transaction.atomic():
        entry = ledger_append(
            actor="system", action="test.hold", object_type="test", object_id=agency,
            agency_id=agency,
        )  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        print(json.dumps({"pid": pid, "index": entry.index}), flush=True)
        sys.stdin.readline()


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "pick":
        print(json.dumps(pick()))
    elif command == "hold":
        hold(int(sys.argv[2]))
    else:
        sys.exit(f"unknown command {command!r}")
