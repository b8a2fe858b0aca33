"""While one transaction holds agency 901's log, append to agency 902 and to agency 901 again.

Usage: python -m tests.ledger.concurrent_agencies (PostgreSQL; run by test_concurrency).
Prints one JSON line: whether the append to the other agency went through while the first
transaction was still open, and whether the append to the same agency had to wait.
"""

from __future__ import annotations

import json
import os
import threading

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")

import django

django.setup()

from django.db import OperationalError, connection, transaction

from sanxiang.ledger.services import ledger_append

HOLDER, OTHER = 901, 902


def append(agency: int) -> int:
    return ledger_append(
        actor="system", action="test.concurrent", object_type="test", object_id=agency,
        agency_id=agency,
    ).index  # fmt: skip


def main() -> None:
    holding, release = threading.Event(), threading.Event()
    result: dict[str, object] = {}

    def hold() -> None:
        try:
            with transaction.atomic():
                append(HOLDER)
                holding.set()
                release.wait(30)
        finally:
            connection.close()

    def try_append(name: str, agency: int) -> None:
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '3s'")
                append(agency)
            result[name] = "appended"
        except OperationalError as exc:
            result[name] = f"waited: {type(exc).__name__}: {str(exc).splitlines()[0]}"
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(30)
    for name, agency in (("other_agency", OTHER), ("same_agency", HOLDER)):
        worker = threading.Thread(target=try_append, args=(name, agency))
        worker.start()
        worker.join()
    release.set()
    holder.join()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
