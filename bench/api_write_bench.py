"""POST /api/v1/permits under concurrent clients, against the read API in the same run.

Sets up an installation (migrate, the demo data: agencies, published decisions), makes one
token per agency with ``api-token create``'s service, starts ``sanxiang serve`` (gunicorn, 2
workers) and runs the clients in a child process: ``--threads`` threads, each with its own
keep-alive ``http.client`` connection, for ``--seconds`` POSTing permits (a new 文书号 and
Idempotency-Key each, alternating the agencies), then as long GETting ``/api/v1/publications``
(the read API's busiest list; no If-None-Match, so every answer is computed). Prints
requests/s, p50 and p95 in ms for both, the write/read ratios, and any non-2xx answer.

Run: ``scripts/with-postgres.py -- .venv/bin/python bench/api_write_bench.py [--threads 8]``
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit


def _client(base: str, plan_file: Path, threads: int, seconds: float) -> None:
    plan = json.loads(plan_file.read_text())
    address = urlsplit(base)
    results: dict[str, list[float]] = {
        "write": [],
        "read": [],
        "write_failed": [],
        "read_failed": [],
    }
    lock = threading.Lock()

    def run(phase: str, worker: int) -> None:
        conn = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port, timeout=60)
        done: list[float] = []
        failed = 0
        stop = time.monotonic() + seconds
        n = 0
        while time.monotonic() < stop:
            n += 1
            if phase == "write":
                token = plan["tokens"][(worker + n) % len(plan["tokens"])]
                fields = dict(plan["fields"])
                fields["decision_number"] = f"基准许〔2026〕{worker}-{n}-{uuid.uuid4().hex[:6]}号"
                body = json.dumps(fields, ensure_ascii=False).encode()
                headers = {
                    "Authorization": f"Bearer {token}",
                    "Idempotency-Key": str(uuid.uuid4()),
                    "Content-Type": "application/json",
                }
                started = time.perf_counter()
                conn.request("POST", "/api/v1/permits", body=body, headers=headers)
            else:
                started = time.perf_counter()
                conn.request("GET", "/api/v1/publications?limit=20")
            response = conn.getresponse()
            payload = response.read()
            elapsed = time.perf_counter() - started
            if response.status >= 300:
                failed += 1
                if failed <= 3:
                    print(phase, response.status, payload[:300].decode(errors="replace"),
                          file=sys.stderr)  # fmt: skip
            else:
                done.append(elapsed)
        conn.close()
        with lock:
            results[phase].extend(done)
            results[f"{phase}_failed"].append(failed)

    # The same request, same Idempotency-Key, from every thread at once: one permit, one answer.
    key = str(uuid.uuid4())
    same = dict(plan["fields"], decision_number=f"基准许〔2026〕同键-{key[:8]}号")
    body = json.dumps(same, ensure_ascii=False).encode()
    answers: list[tuple[int, str, bytes]] = []
    barrier = threading.Barrier(threads)

    def once() -> None:
        conn = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port)
        headers = {"Authorization": f"Bearer {plan['tokens'][0]}", "Idempotency-Key": key,
                   "Content-Type": "application/json"}  # fmt: skip
        barrier.wait()
        conn.request("POST", "/api/v1/permits", body=body, headers=headers)
        response = conn.getresponse()
        with lock:
            answers.append(
                (response.status, response.getheader("Idempotent-Replayed") or "", response.read())
            )
        conn.close()

    racers = [threading.Thread(target=once) for _ in range(threads)]
    for r in racers:
        r.start()
    for r in racers:
        r.join()
    results["same_key_statuses"] = sorted(float(a[0]) for a in answers)
    results["same_key_bodies"] = [float(len({a[2] for a in answers}))]
    results["same_key_first"] = [float(sum(a[1] == "false" for a in answers))]

    for phase in ("write", "read"):
        workers = [threading.Thread(target=run, args=(phase, w)) for w in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    print(json.dumps(results))


def _setup(plan_file: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from sanxiang.org.models import Agency
    from sanxiang.org.tokens import api_token_create

    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0)
    agencies = list(Agency.objects.order_by("pk"))
    tokens = [
        api_token_create(
            agency_credit_code=a.credit_code, name="基准系统", scopes=["permits:write"]
        )[1]
        for a in agencies
    ]
    today = timezone.localdate().isoformat()
    fields = {
        "decision": "grant",
        "party_name": "基准市某某餐饮管理有限公司",
        "party_type": "法人及非法人组织",
        "party_credit_code": agencies[0].credit_code,  # any checksum-valid code
        "legal_representative": "张某某",
        "decision_title": "准予行政许可决定书",
        "category": "普通",
        "licence_name": "食品经营许可证",
        "licence_number": "JY0000000001",
        "content": "准予从事食品经营（餐饮服务）",
        "decided_on": today,
        "valid_from": today,
        "valid_until": "2031-12-31",
        "authority_name": agencies[0].name,
        "authority_credit_code": agencies[0].credit_code,
        "source_unit": "基准市政务服务中心",
    }
    plan_file.write_text(json.dumps({"tokens": tokens, "fields": fields}, ensure_ascii=False))
    print(f"database: {connection.vendor}; agencies: {len(agencies)}")
    connection.close()


def _summary(times: list[float], seconds: float) -> tuple[float, float, float]:
    if len(times) < 2:
        return 0.0, float("nan"), float("nan")
    cuts = statistics.quantiles(times, n=100)
    return len(times) / seconds, cuts[49] * 1000, cuts[94] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--client", nargs=2, metavar=("BASE", "PLAN"))
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    if args.client:
        _client(args.client[0], Path(args.client[1]), args.threads, args.seconds)
        return
    os.environ.setdefault("SANXIANG_VAR", tempfile.mkdtemp(prefix="sanxiang-bench-"))
    os.environ.setdefault("SANXIANG_BACKGROUND", "off")
    # The bench's clients come from one address; nothing here fails auth, but do not throttle.
    os.environ.setdefault("SANXIANG_API_AUTH_FAILURE_LIMIT", "1000000")
    plan_file = Path(os.environ["SANXIANG_VAR"]) / "api_write_plan.json"
    _setup(plan_file)
    from serving import serve_and_load

    results = serve_and_load(__file__, plan_file, threads=args.threads, seconds=args.seconds)
    write = _summary(results["write"], args.seconds)
    read = _summary(results["read"], args.seconds)
    print(f"{args.threads} concurrent clients, {args.seconds:.0f} s each phase, gunicorn 2 workers")
    for name, (rate, p50, p95), failed in (
        ("POST /api/v1/permits", write, sum(results["write_failed"])),
        ("GET /api/v1/publications", read, sum(results["read_failed"])),
    ):
        print(
            f"{name:28s} {rate:8.1f} req/s  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  non-2xx {failed}"
        )
    print(
        f"same key from {args.threads} clients at once: statuses "
        f"{sorted({int(x) for x in results['same_key_statuses']})}, "
        f"{int(results['same_key_first'][0])} written, "
        f"{int(results['same_key_bodies'][0])} distinct answer(s)"
    )
    print(
        f"write/read: throughput {write[0] / read[0]:.2f}x, p50 {write[1] / read[1]:.2f}x, "
        f"p95 {write[2] / read[2]:.2f}x"
    )


if __name__ == "__main__":
    main()
