"""What request ids, the request log line and the latency histogram cost per request
(sanxiang.ops, issue #18), against the same trivial view without them, in the same run.

Runs Django's request path in process (no server, no database): ``--requests`` GETs through
``RequestMiddleware`` around a view that returns at once, and as many to that view alone,
alternating in blocks so the machine's other load weighs on both. Prints µs per request of
each, the difference, and the ratio. Run: ``.venv/bin/python bench/ops_bench.py``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

os.environ.setdefault("SANXIANG_VAR", tempfile.mkdtemp(prefix="sanxiang-ops-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")

import django

django.setup()

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from sanxiang.ops.requests import RequestMiddleware


def view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--log", action="store_true", help="with SANXIANG_REQUEST_LOG on")
    args = parser.parse_args()
    from django.conf import settings

    settings.SANXIANG_REQUEST_LOG = args.log
    factory = RequestFactory()
    wrapped = RequestMiddleware(view)
    spent = {"bare": 0.0, "ops": 0.0}
    block = 500
    for _ in range(max(1, args.requests // block)):
        for name, handler in (("bare", view), ("ops", wrapped)):
            requests = [factory.get("/gongshi/decisions/1/") for _ in range(block)]
            started = time.perf_counter()
            for request in requests:
                handler(request)
                request_finished.send(None)
            spent[name] += time.perf_counter() - started
    count = max(1, args.requests // block) * block
    bare, ops = (spent[k] / count * 1e6 for k in ("bare", "ops"))
    print(f"requests per variant: {count}, request log line: {'on' if args.log else 'off'}")
    print(f"bare view:            {bare:8.1f} µs/request")
    print(
        f"with RequestMiddleware: {ops:6.1f} µs/request (+{ops - bare:.1f} µs, {ops / bare:.2f}×)"
    )
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
