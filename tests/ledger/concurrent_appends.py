"""Many threads append at once, each on its own database connection (run by test_concurrency).

Usage: python -m tests.ledger.concurrent_appends THREADS PER_THREAD
Prints one JSON line: the installation log's size before and after, the positions this run
wrote in it, and how many entries all logs hold after.
"""

from __future__ import annotations

import json
import os
import sys
import threading

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")

import django

django.setup()

from django.db import connection

from sanxiang.ledger.selectors import entries_total, log_for, tree_size
from sanxiang.ledger.services import ledger_append


def main(threads: int, per_thread: int) -> None:
    before = tree_size(log=log_for(agency_id=None))
    written: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads)
    failures: list[str] = []

    def work(worker: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                entry = ledger_append(
                    actor="system",
                    action="test.concurrent",
                    object_type="test",
                    object_id=f"{worker}-{i}",
                )
                with lock:
                    written.append(entry.index)
        except Exception as exc:  # reported to the test, which fails on any
            failures.append(repr(exc))
        finally:
            connection.close()

    pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    print(
        json.dumps(
            {
                "before": before,
                "after": tree_size(log=log_for(agency_id=None)),
                "total": entries_total(),
                "written": written,
                "failures": failures,
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
