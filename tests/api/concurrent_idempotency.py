"""Six client threads send the same permit with the same Idempotency-Key at the same moment
(run by test_idempotency_concurrency).

Usage: python -m tests.api.concurrent_idempotency
Prints one JSON line: the statuses, how many distinct bodies, permits and keys were stored.
"""

from __future__ import annotations

import json
import os
import threading
import uuid

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")

import django

django.setup()

from django.db import connection
from django.test import Client

from sanxiang.acts.models import Permit
from sanxiang.org.models import Agency, ApiWrite
from sanxiang.org.tokens import api_token_create

CLIENTS = 6


def main() -> None:
    agency = Agency.objects.order_by("pk").first()
    assert agency is not None
    _, token = api_token_create(
        agency_credit_code=agency.credit_code, name="并发测试系统", scopes=["permits:write"]
    )
    key = str(uuid.uuid4())
    number = f"并发许〔2026〕{key[:8]}号"
    body = json.dumps({
        "decision": "grant", "party_name": "并发测试有限公司", "party_type": "法人及非法人组织",
        "party_credit_code": agency.credit_code, "decision_number": number,
        "decision_title": "准予行政许可决定书", "category": "普通", "content": "准予",
        "decided_on": "2026-06-08", "valid_from": "2026-06-08", "authority_name": agency.name,
        "authority_credit_code": agency.credit_code, "source_unit": "政务服务中心",
    }, ensure_ascii=False)  # fmt: skip
    connection.close()
    barrier = threading.Barrier(CLIENTS)
    answers: list[tuple[int, bytes]] = []
    lock = threading.Lock()

    def send() -> None:
        client = Client(HTTP_HOST="127.0.0.1")
        barrier.wait()
        response = client.post(
            "/api/v1/permits", data=body, content_type="application/json",
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
        )  # fmt: skip
        with lock:
            answers.append((response.status_code, response.content))
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({
        "statuses": sorted(status for status, _ in answers),
        "bodies": len({content for _, content in answers}),
        "permits": Permit.objects.filter(agency=agency, decision_number=number).count(),
        "keys": ApiWrite.objects.filter(key=key).count(),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
