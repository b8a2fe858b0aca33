"""推送: each publication event reaches the configured platform, signed, once, in order, even
if the platform is down for a while; a platform that stays down raises 推送失败 in the office.

The platform is a real HTTP server on loopback (tests/disclosure/receiver.py) that verifies
every request with the public key the portal publishes.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from sanxiang.disclosure.models import (
    Delivery,
    DeliveryAttempt,
    Publication,
    PushTarget,
)
from sanxiang.disclosure.push import (
    DeliveryRefused,
    claim,
    claim_due,
    delivery_retry,
    due,
    headers_for,
    push_run,
    send_claimed,
    signer_for,
)
from sanxiang.disclosure.services import (
    publication_confirm,
    publication_correct,
    publication_draft,
    publication_withdraw,
)
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.services import tree_head_sign
from tests.cases.conftest import PERSON_ID
from tests.conftest import REPO
from tests.disclosure.receiver import Receiver
from tests.disclosure.test_publications import decided


@pytest.fixture
def receiver(client):
    """The platform, holding the key it fetched from the portal's checkpoint."""
    tree_head_sign()
    checkpoint = client.get(reverse("portal:ledger-checkpoint")).json()
    with Receiver(public_key_pem=checkpoint["public_key_pem"]) as running:
        yield running


def target_for(receiver: Receiver, **changes) -> PushTarget:
    values = {"name": "省行政执法信息公示平台", "url": receiver.url, "timeout_seconds": 2}
    return PushTarget.objects.create(**{**values, **changes})


def publish(staff, case, articles) -> Publication:
    publication = decided(staff, case, articles)
    draft = publication_draft(publication)
    publication_confirm(actor=staff.head, publication_id=publication.pk, draft_sha256=draft.sha256)
    return Publication.objects.get(pk=publication.pk)


def later(hours: float):
    return time_machine.travel(timezone.now() + timedelta(hours=hours))


def test_with_no_target_nothing_is_queued(staff, general_case, articles):
    publish(staff, general_case, articles)
    assert not Delivery.objects.exists()
    assert push_run() == {"sent": 0, "retry": 0, "dead": 0, "lost": 0}


def test_a_publication_reaches_the_platform_signed_with_the_published_key(
    staff, general_case, articles, receiver
):
    target_for(receiver)
    publication = publish(staff, general_case, articles)
    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and delivery.event == "publish"

    err = io.StringIO()
    call_command("push", "run", "--once", stderr=err)
    assert "成功 1" in err.getvalue()

    [got] = receiver.received
    assert got.valid, got.problem
    message = got.payload
    assert message["event"] == "publish" and message["delivery"] == str(delivery.key)
    assert message["publication"]["text_sha256"] == publication.public_sha256
    assert message["publication"]["version"] == 1
    assert message["publication"]["url"].endswith(f"/gongshi/decisions/{publication.pk}/")
    assert (
        message["record"]["行政处罚决定书文号"]
        == general_case.__class__.objects.get(pk=general_case.pk).number
    )
    assert message["record"]["行政相对人名称"] == "王某"
    assert message["record"]["公示状态"] == "公示中"
    assert PERSON_ID not in got.body.decode()

    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.response_status == 200
    [attempt] = DeliveryAttempt.objects.filter(delivery=delivery)
    assert attempt.http_status == 200 and attempt.error == ""
    assert LedgerEntry.objects.filter(
        action="disclosure.delivery.sent", content_sha256=delivery.payload_sha256
    ).exists()
    # Sent once: another pass sends nothing.
    assert push_run()["sent"] == 0 and len(receiver.received) == 1
    # The key an operator hands to the platform is the one it verified with.
    out = io.StringIO()
    call_command("push", "key", stdout=out)
    assert receiver.key_id() in out.getvalue() and "BEGIN PUBLIC KEY" in out.getvalue()


def test_a_platform_answering_500_is_retried_later_with_the_same_key_and_body(
    staff, general_case, articles, receiver
):
    target_for(receiver, backoff_seconds=600)
    publish(staff, general_case, articles)
    receiver.fail_next = 2

    assert push_run()["retry"] == 1
    delivery = Delivery.objects.get()
    wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=290) < wait <= timedelta(seconds=600)  # 600 s, 50–100 % jitter
    assert push_run()["sent"] == 0 and len(receiver.received) == 1  # not due yet

    with later(0.2):
        assert push_run()["retry"] == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.last_error.startswith("HTTP 500")
    # The second wait doubles (1200 s, with jitter at least 600 s).
    assert delivery.next_attempt_at - timezone.now() > timedelta(seconds=590)
    with later(1):
        assert push_run()["sent"] == 1

    keys = {r.headers["idempotency-key"] for r in receiver.received}
    assert keys == {str(delivery.key)}
    assert len({r.body for r in receiver.received}) == 1
    assert [r.status for r in receiver.received] == [500, 500, 200]
    log = DeliveryAttempt.objects.filter(delivery=delivery).order_by("number")
    assert [(a.number, a.http_status) for a in log] == [(1, 500), (2, 500), (3, 200)]


def test_a_platform_that_does_not_answer_in_time_is_logged_as_a_timeout(
    staff, general_case, articles, receiver
):
    target_for(receiver, timeout_seconds=1)
    publish(staff, general_case, articles)
    receiver.delay = 2
    assert push_run()["retry"] == 1
    attempt = DeliveryAttempt.objects.get()
    assert attempt.http_status is None and "timed out" in attempt.error
    assert attempt.duration_ms >= 900


def test_after_the_last_attempt_the_office_sees_push_failed_and_a_head_retries(
    client, staff, general_case, articles, receiver
):
    target_for(receiver, max_attempts=2, backoff_seconds=1)
    publication = publish(staff, general_case, articles)
    receiver.fail_next = 99
    push_run()
    with later(1):
        assert push_run()["dead"] == 1
        assert push_run()["sent"] == 0  # given up: no more tries
    delivery = Delivery.objects.get()
    assert delivery.status == "dead"
    assert LedgerEntry.objects.filter(action="disclosure.delivery.dead").count() == 1

    client.force_login(staff.zhang.user)
    page = client.get(reverse("disclosure:queue")).content.decode()
    assert "推送失败" in page and publication.title in page and "重新推送" not in page
    with pytest.raises(DeliveryRefused, match="负责人或法制审核人员"):
        delivery_retry(actor=staff.zhang, delivery_id=delivery.pk)

    receiver.fail_next = 0
    client.force_login(staff.head.user)
    page = client.get(reverse("disclosure:queue")).content.decode()
    assert "推送失败" in page and "已尝试 2 次" in page and "重新推送" in page
    client.post(reverse("disclosure:delivery-retry", args=[delivery.pk]))
    assert LedgerEntry.objects.filter(action="disclosure.delivery.retried").count() == 1
    assert push_run()["sent"] == 1
    assert "推送失败" not in client.get(reverse("disclosure:queue")).content.decode()
    assert DeliveryAttempt.objects.filter(delivery=delivery).count() == 3


def test_a_correction_and_a_withdrawal_follow_the_publication_in_order(
    staff, general_case, articles, receiver
):
    target_for(receiver, backoff_seconds=60)
    publication = publish(staff, general_case, articles)
    receiver.fail_next = 1
    push_run()  # the publication fails once and waits
    publication_correct(
        actor=staff.head, publication_id=publication.pk,
        text=publication.public_text + "\n（更正：罚款已缴纳）", reason="补充履行情况",
    )  # fmt: skip
    publication_withdraw(
        actor=staff.head, publication_id=publication.pk, reason="revoked",
        statement="该处罚决定已被行政复议机关撤销。", occurred_on=timezone.localdate(),
    )  # fmt: skip
    assert push_run()["sent"] == 0  # the correction and the withdrawal wait for the publication
    with later(48):
        assert push_run()["sent"] == 3

    events = [r.payload for r in receiver.received if r.valid]
    assert [m["event"] for m in events] == ["publish", "correct", "withdraw"]
    assert events[1]["publication"]["version"] == 2
    assert events[1]["publication"]["correction_reason"] == "补充履行情况"
    withdrawal = events[2]
    assert withdrawal["publication"]["status"] == "withdrawn"
    assert withdrawal["publication"]["text"] is None
    assert withdrawal["withdrawal"]["statement"] == "该处罚决定已被行政复议机关撤销。"
    assert withdrawal["withdrawal"]["reason"] == "行政处罚决定被依法撤销"
    assert withdrawal["record"]["公示状态"] == "已撤下"
    assert withdrawal["record"]["公示内容SHA-256"] == ""


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_dead_publish_is_not_sent_again_after_the_withdrawal_went_out(
    staff, general_case, articles, receiver
):
    """Re-sending the old message would put a withdrawn decision back on the platform."""
    target_for(receiver, max_attempts=1)
    publication = publish(staff, general_case, articles)
    receiver.fail_next = 1
    assert push_run()["dead"] == 1
    publication_withdraw(
        actor=staff.head, publication_id=publication.pk, reason="revoked",
        statement="该处罚决定已被行政复议机关撤销。", occurred_on=timezone.localdate(),
    )  # fmt: skip
    assert push_run()["sent"] == 1
    dead = Delivery.objects.get(event="publish")
    with pytest.raises(DeliveryRefused, match="更新的推送"):
        delivery_retry(actor=staff.head, delivery_id=dead.pk)
    assert push_run()["sent"] == 0
    assert [r.payload["event"] for r in receiver.received if r.valid] == ["withdraw"]


def test_the_platform_detects_a_tampered_message(staff, general_case, articles, receiver):
    target_for(receiver)
    publish(staff, general_case, articles)
    delivery = Delivery.objects.select_related("target").get()
    body = delivery.payload.encode()
    headers = headers_for(delivery, body, signer_for(delivery.target))
    assert _post(receiver.url, body, headers) == 200

    message = json.loads(body)
    message["record"]["罚款金额（万元）"] = "0.01"
    forged = json.dumps(message, ensure_ascii=False).encode()
    assert _post(receiver.url, forged, headers) == 401
    # Even with a matching digest header, the signature does not cover the new body.
    import hashlib

    redigested = {**headers, "X-Sanxiang-Content-SHA256": hashlib.sha256(forged).hexdigest()}
    assert _post(receiver.url, forged, redigested) == 401
    assert [r.problem for r in receiver.received] == ["", "digest", "signature"]


def test_an_hmac_is_added_for_platforms_with_an_app_key(
    staff, general_case, articles, receiver, monkeypatch
):
    target_for(receiver, app_key="sanxiang-demo", secret_env="SANXIANG_PUSH_SECRET_TEST")
    publish(staff, general_case, articles)
    receiver.secret = "s3cret-from-the-platform"
    assert push_run()["retry"] == 1  # the secret is not configured: nothing is sent
    assert "SANXIANG_PUSH_SECRET_TEST" in Delivery.objects.get().last_error
    assert receiver.received == []
    monkeypatch.setenv("SANXIANG_PUSH_SECRET_TEST", "wrong")
    with later(1):
        assert push_run()["retry"] == 1
    assert receiver.received[-1].problem == "hmac"
    monkeypatch.setenv("SANXIANG_PUSH_SECRET_TEST", "s3cret-from-the-platform")
    with later(2):
        assert push_run()["sent"] == 1
    assert receiver.received[-1].headers["x-sanxiang-app-key"] == "sanxiang-demo"


def test_the_outbox_row_is_part_of_the_publication_transaction(
    staff, general_case, articles, receiver
):
    target_for(receiver)
    publication = decided(staff, general_case, articles)
    draft = publication_draft(publication)
    with pytest.raises(RuntimeError, match="later step failed"), transaction.atomic():
        publication_confirm(
            actor=staff.head, publication_id=publication.pk, draft_sha256=draft.sha256
        )
        assert Delivery.objects.count() == 1
        raise RuntimeError("a later step failed")
    assert Publication.objects.get(pk=publication.pk).status == "pending"
    assert not Delivery.objects.exists()
    assert push_run()["sent"] == 0 and receiver.received == []


def test_two_runners_never_send_the_same_delivery(staff, general_case, articles, receiver):
    target_for(receiver)
    publish(staff, general_case, articles)
    # Both runners look for due work at the same moment and see the same delivery...
    now = timezone.now()
    [(pk, timeout)] = due(now=now, limit=10)
    assert due(now=now, limit=10) == [(pk, timeout)]
    # ...but only the first to claim it gets it.
    assert claim(pk=pk, runner="runner-a", now=now, timeout=timeout)
    assert not claim(pk=pk, runner="runner-b", now=now, timeout=timeout)
    first = list(Delivery.objects.filter(pk=pk).select_related("target", "publication"))
    # A second runner starting while the first is sending finds nothing to take.
    assert claim_due(limit=10, runner="runner-b") == []
    assert push_run(runner="runner-b")["sent"] == 0
    assert send_claimed(first, "runner-a")["sent"] == 1
    assert len(receiver.received) == 1


def test_a_runner_that_died_mid_send_is_taken_over_after_its_lease(
    staff, general_case, articles, receiver
):
    target_for(receiver, timeout_seconds=5)
    publish(staff, general_case, articles)
    stale = claim_due(limit=10, runner="runner-a")  # ...and runner-a never reports back
    with later(0.1):  # 5 s timeout + 60 s margin have passed
        assert push_run(runner="runner-b")["sent"] == 1
    # runner-a wakes up: its claim is gone, so it sends nothing and records nothing.
    assert send_claimed(stale, "runner-a") == {"sent": 0, "retry": 0, "dead": 0, "lost": 1}
    assert Delivery.objects.get().status == "sent"
    assert DeliveryAttempt.objects.count() == 1
    assert len(receiver.received) == 1


def test_runners_started_together_send_each_delivery_exactly_once(instance):
    """Four runner threads, each on its own connection, against a real database file (or
    the suite's PostgreSQL) and one receiver: twelve deliveries, twelve arrivals."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.disclosure.concurrent_push", "4"],
        env=instance.env, cwd=REPO, capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    run = json.loads(result.stdout.strip().splitlines()[-1])
    assert run["failures"] == [] and run["invalid"] == []
    assert run["deliveries"] == 12 and run["statuses"] == ["sent"] * 12
    assert run["arrivals"] == [1] * 12 and run["attempts"] == 12


def test_adding_a_target_in_the_admin_is_a_ledger_event(client, django_user_model, db):
    client.force_login(django_user_model.objects.create_superuser("root", password="x" * 12))
    form = {
        "name": "省平台", "url": "ftp://platform.example/receive", "enabled": "on",
        "algorithm": "", "app_key": "", "secret_env": "", "timeout_seconds": "10",
        "max_attempts": "8", "backoff_seconds": "60", "backoff_cap_seconds": "21600",
    }  # fmt: skip
    refused = client.post(reverse("admin:disclosure_pushtarget_add"), form)
    assert refused.status_code == 200 and not PushTarget.objects.exists()
    client.post(
        reverse("admin:disclosure_pushtarget_add"),
        {**form, "url": "https://platform.example/receive"},
    )
    target = PushTarget.objects.get()
    assert LedgerEntry.objects.filter(
        action="disclosure.pushtarget.created", object_id=str(target.pk)
    ).exists()
