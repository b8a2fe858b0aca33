"""推送: published, corrected and withdrawn decisions sent to configured platforms.

A transactional outbox: ``enqueue`` writes one ``Delivery`` per enabled target inside the
publication service's own transaction, so a rolled-back publication leaves no message and a
target that is down loses none. ``push_run`` (``sanxiang push run``, from cron, a systemd timer
or later a Celery worker) claims due deliveries, sends each as canonical JSON signed with the
installation's ledger key (optionally also an HMAC for platforms with an appKey/secret), logs
every attempt, retries with capped exponential backoff and jitter, and gives up after the
target's maximum, which raises 推送失败 in the office until someone retries.

See docs/operations/push.md for the payload, headers and how a receiver verifies them.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import random
import socket
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from sanxiang.core.public_url import public_reverse
from sanxiang.disclosure.access import PublicationAction
from sanxiang.disclosure.events import DisclosureEvent, delivery_recorded
from sanxiang.disclosure.exporting import record
from sanxiang.disclosure.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryEvent,
    DeliveryStatus,
    Publication,
    PublicationStatus,
    PublicationVersion,
    PushTarget,
)
from sanxiang.disclosure.selectors import publications_for
from sanxiang.errors import DomainError
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.services import SYSTEM, leaf_time, sha256_hex
from sanxiang.ledger.signing import ED25519, Signer, load_signer
from sanxiang.org.models import Officer, Role

logger = logging.getLogger(__name__)

SCHEMA = "sanxiang.push/1"
HEADER_PREFIX = "X-Sanxiang-"
# How much of a response is read (its SHA-256 is kept, never the body itself).
RESPONSE_LIMIT = 64 * 1024
# A claim outlives the request's timeout by this much; a runner that died mid-send is
# replaced after it, and the receiver de-duplicates by the delivery's key.
LEASE_MARGIN = timedelta(seconds=60)


class DeliveryRefused(DomainError):
    """A push step the rules do not allow; nothing was changed."""


# --- the outbox --------------------------------------------------------------------------------


def portal_url(publication_id: int) -> str:
    """The decision's page on the portal (SANXIANG_PUBLIC_URL, as in documents' QR codes)."""
    return public_reverse("portal:decision", publication_id)


def payload_for(
    publication: Publication, event: str, key: uuid.UUID, version: PublicationVersion | None
) -> dict[str, object]:
    """The message: the 双公示 exchange columns (exporting.COLUMNS, the one mapping), the
    confirmed public text or the withdrawal statement, and the delivery's own key."""
    withdrawn = publication.status == PublicationStatus.WITHDRAWN
    return {
        "schema": SCHEMA,
        "delivery": str(key),
        "event": event,
        "created_at": leaf_time(timezone.now()),
        "publication": {
            "id": publication.pk,
            "url": portal_url(publication.pk),
            "kind": publication.kind,
            "status": publication.status,
            "version": version.number if version is not None else None,
            "text": None if withdrawn else publication.public_text,
            "text_sha256": None if withdrawn else publication.public_sha256,
            "correction_reason": version.reason if version is not None and version.reason else None,
        },
        "record": record(publication),
        "withdrawal": (
            {
                "reason": publication.get_withdrawal_reason_display(),
                "statement": publication.withdrawal_statement,
                "occurred_on": publication.withdrawal_occurred_on.isoformat()
                if publication.withdrawal_occurred_on
                else None,
            }
            if withdrawn
            else None
        ),
    }


def targets_for(agency_id: int) -> QuerySet[PushTarget]:
    return PushTarget.objects.filter(enabled=True).filter(
        Q(agency_id=agency_id) | Q(agency__isnull=True)
    )


def enqueue(
    publication: Publication, event: DeliveryEvent, version: PublicationVersion | None = None
) -> list[Delivery]:
    """One delivery per enabled target, in the caller's transaction. With no target, nothing
    is written: pushing is off until an administrator adds a target."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("enqueue must run inside the publication service's transaction")
    now = timezone.now()
    made = []
    for target in targets_for(publication.agency_id):
        key = uuid.uuid4()
        body = canonical_json(payload_for(publication, event, key, version))
        made.append(
            Delivery.objects.create(
                key=key,
                target=target,
                publication=publication,
                version=version,
                event=event,
                payload=body.decode("utf-8"),
                payload_sha256=sha256_hex(body),
                next_attempt_at=now,
            )
        )
    return made


# --- sending -----------------------------------------------------------------------------------


def backoff(target: PushTarget, attempts: int, rng: random.Random | None = None) -> timedelta:
    """Delay before the next try after ``attempts`` failures: base·2^(n−1), capped, then a
    random 50–100 % of it so runners that failed together do not retry together."""
    ceiling = min(target.backoff_cap_seconds, target.backoff_seconds * 2 ** max(attempts - 1, 0))
    share = (rng or random.SystemRandom()).uniform(0.5, 1.0)
    return timedelta(seconds=ceiling * share)


def signer_for(target: PushTarget) -> Signer:
    return load_signer(target.algorithm or os.environ.get("SANXIANG_LEDGER_ALGORITHM", ED25519))


def headers_for(delivery: Delivery, body: bytes, signer: Signer) -> dict[str, str]:
    """The request headers; the signature covers the body bytes exactly."""
    target = delivery.target
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Sanxiang-Push/1",
        "Idempotency-Key": str(delivery.key),
        f"{HEADER_PREFIX}Delivery": str(delivery.key),
        f"{HEADER_PREFIX}Event": delivery.event,
        f"{HEADER_PREFIX}Content-SHA256": delivery.payload_sha256,
        f"{HEADER_PREFIX}Signature-Algorithm": signer.algorithm,
        f"{HEADER_PREFIX}Key-Id": signer.key_id,
        f"{HEADER_PREFIX}Signature": signer.sign(body),
    }
    if target.secret_env:
        secret = os.environ.get(target.secret_env, "")
        if not secret:
            raise DeliveryRefused(
                "推送目标的 HMAC 密钥未配置。",
                log_message=f"environment variable {target.secret_env} is empty",
            )
        timestamp = str(int(time.time()))
        message = timestamp.encode("ascii") + b"\n" + body
        headers[f"{HEADER_PREFIX}App-Key"] = target.app_key
        headers[f"{HEADER_PREFIX}Timestamp"] = timestamp
        headers[f"{HEADER_PREFIX}HMAC-SHA256"] = hmac.new(
            secret.encode("utf-8"), message, hashlib.sha256
        ).hexdigest()
    return headers


@dataclass(frozen=True)
class Outcome:
    http_status: int | None
    error: str
    response_sha256: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.http_status is not None and 200 <= self.http_status < 300


def _post(delivery: Delivery) -> Outcome:
    target = delivery.target
    started = time.monotonic()
    status: int | None = None
    error = digest = ""
    try:
        if not target.url.startswith(("http://", "https://")):
            raise DeliveryRefused("推送地址无效。", log_message=f"bad url {target.url!r}")
        body = delivery.payload.encode("utf-8")
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            target.url,
            data=body,
            method="POST",
            headers=headers_for(delivery, body, signer_for(target)),
        )
        try:
            timeout = target.timeout_seconds
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                status = response.status
                digest = sha256_hex(response.read(RESPONSE_LIMIT))
        except urllib.error.HTTPError as exc:
            status = exc.code
            digest = sha256_hex(exc.read(RESPONSE_LIMIT))
            error = f"HTTP {exc.code} {exc.reason}"
    except DeliveryRefused as exc:
        error = exc.log_message or exc.message
    except TimeoutError:
        error = f"timed out after {target.timeout_seconds}s"
    except urllib.error.URLError as exc:
        error = f"{type(exc.reason).__name__}: {exc.reason}"
    except OSError as exc:
        error = f"{type(exc).__name__}: {exc}"
    duration = int((time.monotonic() - started) * 1000)
    if status is not None and not 200 <= status < 300 and not error:
        error = f"HTTP {status}"
    return Outcome(status, error[:500], digest, duration)


def _claimable(now: datetime) -> Q:
    return Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) & (
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def due(*, now: datetime, limit: int) -> list[tuple[int, int]]:
    """(pk, timeout) of deliveries due at ``now``, oldest first. A delivery waits while an
    earlier one for the same publication and target is still pending, so a receiver sees
    publish before correct before withdraw."""
    earlier = Delivery.objects.filter(
        target_id=OuterRef("target_id"),
        publication_id=OuterRef("publication_id"),
        pk__lt=OuterRef("pk"),
        status=DeliveryStatus.PENDING,
    )
    return list(
        Delivery.objects.filter(_claimable(now), target__enabled=True)
        .exclude(Exists(earlier))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", "target__timeout_seconds")[:limit]
    )


def claim(*, pk: int, runner: str, now: datetime, timeout: int) -> bool:
    """Whether ``runner`` won ``pk``: a conditional UPDATE that only one runner can win. Two
    runners may both have seen it due; on PostgreSQL the second UPDATE waits for the first's
    row lock, re-checks the condition and changes nothing; on SQLite writes are serialised.
    The claim is a lease: a runner that dies mid-send is replaced once it runs out."""
    lease = now + timedelta(seconds=timeout) + LEASE_MARGIN
    won = Delivery.objects.filter(_claimable(now), pk=pk).update(
        claimed_by=runner, claimed_until=lease
    )
    return won == 1


def claim_due(*, limit: int, runner: str) -> list[Delivery]:
    """Take up to ``limit`` due deliveries for ``runner``; no two runners get the same one."""
    now = timezone.now()
    claimed = [
        pk
        for pk, timeout in due(now=now, limit=limit)
        if claim(pk=pk, runner=runner, now=now, timeout=timeout)
    ]
    return list(
        Delivery.objects.filter(pk__in=claimed)
        .select_related("target", "publication")
        .order_by("next_attempt_at", "pk")
    )


def _record_outcome(delivery: Delivery, runner: str, started_at: datetime, outcome: Outcome) -> str:
    with transaction.atomic():
        current = (
            Delivery.objects.select_for_update()
            .select_related("target", "publication")
            .filter(pk=delivery.pk, claimed_by=runner, status=DeliveryStatus.PENDING)
            .first()
        )
        if current is None:  # the lease ran out and another runner took it over
            logger.warning("delivery %s: claim lost by %s", delivery.pk, runner)
            return "lost"
        number = current.attempts + 1  # since it was queued or last retried by a person
        DeliveryAttempt.objects.create(
            delivery=current, number=DeliveryAttempt.objects.filter(delivery=current).count() + 1,
            runner=runner[:100], started_at=started_at, duration_ms=outcome.duration_ms,
            http_status=outcome.http_status, error=outcome.error,
            response_sha256=outcome.response_sha256,
        )  # fmt: skip
        current.attempts = number
        current.claimed_by, current.claimed_until = "", None
        current.response_status = outcome.http_status
        current.response_sha256 = outcome.response_sha256
        if outcome.ok:
            current.status = DeliveryStatus.SENT
            current.sent_at = timezone.now()
            current.last_error = ""
            verb = "sent"
        else:
            current.last_error = outcome.error
            if number >= current.target.max_attempts:
                current.status = DeliveryStatus.DEAD
                verb = "dead"
            else:
                current.next_attempt_at = timezone.now() + backoff(current.target, number)
                verb = "retry"
        current.save()
        if verb != "retry":
            delivery_recorded(current, SYSTEM, DisclosureEvent.named(f"disclosure.delivery.{verb}"))
    log = logger.info if verb == "sent" else logger.warning
    log("delivery %s to %s: %s (%s)", current.pk, current.target.url, verb, outcome.error or "ok")
    return verb


def send_claimed(deliveries: list[Delivery], runner: str) -> dict[str, int]:
    counts = {"sent": 0, "retry": 0, "dead": 0, "lost": 0}
    for delivery in deliveries:
        mine = Delivery.objects.filter(
            pk=delivery.pk, claimed_by=runner, status=DeliveryStatus.PENDING
        )
        if not mine.exists():  # the lease ran out while earlier ones were sent
            counts["lost"] += 1
            continue
        started_at = timezone.now()
        outcome = _post(delivery)
        counts[_record_outcome(delivery, runner, started_at, outcome)] += 1
    return counts


def runner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def push_run(*, limit: int = 100, runner: str | None = None) -> dict[str, int]:
    """Send what is due now, at most ``limit`` deliveries. A delivery released by the one
    before it (same publication and target) is sent in the same run."""
    name = runner or runner_name()
    totals = {"sent": 0, "retry": 0, "dead": 0, "lost": 0}
    while (left := limit - sum(totals.values())) > 0:
        claimed = claim_due(limit=left, runner=name)
        if not claimed:
            break
        for outcome, count in send_claimed(claimed, name).items():
            totals[outcome] += count
    return totals


# --- the office --------------------------------------------------------------------------------


def failed_for(officer: Officer) -> QuerySet[Delivery]:
    """推送失败: deliveries given up on, for the publications the officer may see."""
    return (
        Delivery.objects.filter(
            status=DeliveryStatus.DEAD, publication__in=publications_for(officer).values("pk")
        )
        .select_related("target", "publication")
        .order_by("-pk")
    )


def delivery_retry(*, actor: Officer, delivery_id: int) -> Delivery:
    """Send a failed delivery again (负责人 or 法制审核人员 of the publication's agency)."""
    with transaction.atomic():
        in_reach = Publication.objects.visible_to(actor, PublicationAction.ACT)
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("publication", "target")
            .filter(pk=delivery_id, publication__in=in_reach)
            .first()
        )
        if delivery is None:
            raise DeliveryRefused(
                "未找到该推送，或您无权办理。", log_message=f"delivery {delivery_id}"
            )
        if not (actor.has_role(Role.HEAD) or actor.has_role(Role.REVIEWER)):
            raise DeliveryRefused(
                "重新推送由负责人或法制审核人员办理。", log_message=f"{actor.pk} may not retry"
            )
        if delivery.status != DeliveryStatus.DEAD:
            raise DeliveryRefused(
                f"该推送当前为“{delivery.get_status_display()}”，无需重新推送。",
                log_message=f"delivery {delivery.pk} is {delivery.status}",
            )
        # A message's content is frozen when queued: once a later message about the same
        # publication was queued for this target (a correction, a withdrawal), sending the old one
        # again would put back what the later one replaced — e.g. a withdrawn decision's text
        # (行政处罚法第四十八条第二款). The later message carries the current state.
        if Delivery.objects.filter(
            target_id=delivery.target_id, publication_id=delivery.publication_id, pk__gt=delivery.pk
        ).exists():
            raise DeliveryRefused(
                "该公示此后已有更新的推送（更正或撤下），重新推送这条旧消息会覆盖新的内容，"
                "因此不予重新推送。",
                log_message=f"delivery {delivery.pk} superseded",
            )
        delivery.status = DeliveryStatus.PENDING
        delivery.attempts = 0
        delivery.next_attempt_at = timezone.now()
        delivery.claimed_by, delivery.claimed_until = "", None
        delivery.save(
            update_fields=["status", "attempts", "next_attempt_at", "claimed_by", "claimed_until"]
        )
        delivery_recorded(delivery, actor.ledger_actor, DisclosureEvent.DELIVERY_RETRIED)
    logger.info("delivery %s queued again by officer %s", delivery.pk, actor.pk)
    return delivery
