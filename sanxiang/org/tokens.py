"""接口令牌: the tokens client systems write to the API with, and what each write leaves behind.

A token is ``sxk_<prefix>_<secret>``: ``prefix`` (12 hex characters) finds the row, ``secret``
is 256 random bits. The row keeps the SHA-256 of the whole token, never the token, which is
printed once by ``sanxiang api-token create``. The API (``sanxiang.api``) authenticates through
``api_token_authenticate`` and wraps each write in ``api_write``, which stores the client's
``Idempotency-Key`` and the answer in the write's own transaction (docs/operations/api.md).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from sanxiang.core.identifiers import credit_code_problem
from sanxiang.errors import DomainError
from sanxiang.ledger.services import actor_for
from sanxiang.org.events import ApiTokenEvent, api_token_event
from sanxiang.org.models import Agency, ApiAuthFailure, ApiWrite
from sanxiang.org.models import ApiScope as ApiScope  # re-exported for the API
from sanxiang.org.models import ApiToken as ApiToken

logger = logging.getLogger(__name__)

_TOKEN = re.compile(r"sxk_([0-9a-f]{12})_[A-Za-z0-9_-]{43}")
# How often a token's last use is written at most (each write is recorded in ApiWrite anyway).
_TOUCH_EVERY = timedelta(minutes=1)
MAX_KEY_LENGTH = 200


class ApiTokenRefused(DomainError):
    """A token cannot be made or revoked as asked."""


class ApiAuthRefused(DomainError):
    """A request without a usable token (401), or from an address that failed too often (429)."""

    def __init__(self, message: str, *, status: int, log_message: str = "") -> None:
        super().__init__(message, log_message=log_message)
        self.status = status


class IdempotencyConflict(DomainError):
    """The key was used before for another request."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


# --- making and revoking -------------------------------------------------------------------


def api_token_create(
    *,
    agency_credit_code: str,
    name: str,
    scopes: Sequence[str],
    actor: AbstractBaseUser | AnonymousUser | None = None,
) -> tuple[ApiToken, str]:
    """A token for one client system of an agency; returns the row and the token (shown once)."""
    code = agency_credit_code.strip().upper()
    name = name.strip()
    if not name or len(name) > 100 or "\x00" in name:
        raise ApiTokenRefused("请填写接入系统名称（100 字以内）。")
    known = {value for value, _ in ApiScope.choices}
    unknown = sorted({s for s in scopes if s not in known})
    if unknown or not scopes:
        raise ApiTokenRefused(
            f"未知的权限范围：{'、'.join(unknown) or '（未填写）'}；"
            f"可用的有：{'、'.join(sorted(known))}。",
            log_message=f"unknown scopes {unknown!r}",
        )
    agency = Agency.objects.filter(credit_code=code).first()
    if agency is None:
        problem = credit_code_problem(code)
        if problem:
            raise ApiTokenRefused(
                f"统一社会信用代码 {code} 不正确：{problem}",
                log_message=f"malformed credit code {code!r}",
            )
        raise ApiTokenRefused(
            f"没有统一社会信用代码为 {code} 的执法主体。", log_message=f"no agency {code}"
        )
    prefix = secrets.token_hex(6)
    token = f"sxk_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        row = ApiToken.objects.create(
            agency=agency,
            name=name,
            scopes=" ".join(sorted(set(scopes))),
            prefix=prefix,
            token_sha256=_digest(token),
            created_by=actor_for(actor),
        )
        api_token_event(row, ApiTokenEvent.CREATED, actor=actor_for(actor))
    logger.info("api token %s (%s) made for agency %s", row.pk, prefix, agency.pk)
    return row, token


def api_token_revoke(
    *, token_id: int, actor: AbstractBaseUser | AnonymousUser | None = None
) -> ApiToken:
    """Stop a token from now on; what it wrote stays. Revoking twice is refused."""
    with transaction.atomic():
        row = ApiToken.objects.select_for_update().filter(pk=token_id).first()
        if row is None:
            raise ApiTokenRefused(f"没有编号为 {token_id} 的接口令牌。")
        if row.revoked_at is not None:
            raise ApiTokenRefused(
                f"接口令牌 {token_id}（{row.name}）已于 "
                f"{timezone.localtime(row.revoked_at):%Y-%m-%d %H:%M} 停用。"
            )
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
        api_token_event(row, ApiTokenEvent.REVOKED, actor=actor_for(actor))
    logger.info("api token %s revoked", row.pk)
    return row


def api_tokens() -> QuerySet[ApiToken]:
    """Every token, newest first, with its agency."""
    return ApiToken.objects.select_related("agency").order_by("-created_at", "-pk")


# --- using -----------------------------------------------------------------------------------


def _since() -> datetime:
    return timezone.now() - timedelta(minutes=settings.SANXIANG_API_AUTH_COOLOFF_MINUTES)


def _recent_failures(client_ip: str) -> int:
    return ApiAuthFailure.objects.filter(client_ip=client_ip, at__gte=_since()).count()


def api_token_authenticate(*, authorization: str, client_ip: str) -> ApiToken:
    """The live token of an ``Authorization: Bearer …`` header, or ``ApiAuthRefused``.

    Each refusal is counted for the address; an address that failed
    ``SANXIANG_API_AUTH_FAILURE_LIMIT`` times within the cool-off is refused (429) even with
    a good token, so tokens cannot be guessed. A good token's last use is recorded.
    """
    client_ip = (client_ip or "unknown")[:45]
    if _recent_failures(client_ip) >= settings.SANXIANG_API_AUTH_FAILURE_LIMIT:
        raise ApiAuthRefused(
            "认证失败次数过多，请稍后再试。",
            status=429,
            log_message=f"api auth throttled for {client_ip}",
        )
    scheme, _, raw = authorization.strip().partition(" ")
    match = _TOKEN.fullmatch(raw.strip()) if scheme.lower() == "bearer" else None
    row = None
    if match is not None:
        row = ApiToken.objects.select_related("agency").filter(prefix=match[1]).first()
        if row is not None and not hmac.compare_digest(row.token_sha256, _digest(raw.strip())):
            row = None
    if row is None or row.revoked_at is not None:
        # The address's failures older than the cool-off count no more: keep the table small.
        ApiAuthFailure.objects.filter(client_ip=client_ip, at__lt=_since()).delete()
        ApiAuthFailure.objects.create(client_ip=client_ip)
        reason = "revoked token" if row is not None else "missing or unknown token"
        logger.warning("api auth refused from %s: %s", client_ip, reason)
        message = (
            "接口令牌已停用，请联系执法主体的系统管理员另行申请。"
            if row is not None
            else "缺少有效的接口令牌：请在请求头中提供 Authorization: Bearer <令牌>。"
        )
        raise ApiAuthRefused(message, status=401, log_message=f"{reason} from {client_ip}")
    now = timezone.now()
    if row.last_used_at is None or row.last_used_at < now - _TOUCH_EVERY:
        ApiToken.objects.filter(pk=row.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - _TOUCH_EVERY)
        ).update(last_used_at=now)
    return row


def request_digest(body: Any) -> str:
    """SHA-256 of a request body as canonical JSON: the same data in another key order or
    spacing is the same request."""
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Answer:
    status: int
    body: str  # the JSON text, exactly as first sent
    replayed: bool


class _KeyTaken(Exception):
    pass


def _earlier(*, token: ApiToken, key: str, operation: str, request_sha256: str) -> Answer | None:
    earlier = ApiWrite.objects.filter(token=token, key=key).first()
    if earlier is None:
        return None
    if earlier.operation != operation or earlier.request_sha256 != request_sha256:
        raise IdempotencyConflict(
            "该幂等键（Idempotency-Key）已用于另一个不同的请求；新的请求请使用新的幂等键。",
            log_message=f"token {token.pk}: key {key!r} reused with another body",
        )
    logger.info("token %s: key %r answered again", token.pk, key)
    return Answer(status=earlier.status, body=earlier.response, replayed=True)


def api_write(
    *,
    token: ApiToken,
    key: str,
    operation: str,
    request_sha256: str,
    write: Callable[[], tuple[int, str]],
) -> Answer:
    """Run ``write`` once per ``(token, key)``: the first time in one transaction with the key
    and its answer; a later request with the key and the same body gets that answer again and
    writes nothing, another body is refused (``IdempotencyConflict``). ``write`` returns a
    status and the JSON text of its answer; if it raises, nothing is kept, not even the key.

    Two requests with one key at once: the second one's insert of the key waits for the first
    transaction and then fails, so it rolls back and answers what the first stored.
    """
    found = _earlier(token=token, key=key, operation=operation, request_sha256=request_sha256)
    if found is not None:
        return found
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = ApiWrite.objects.create(
                        token=token, key=key, operation=operation, request_sha256=request_sha256
                    )
            except IntegrityError:
                raise _KeyTaken from None
            status, body = write()
            record.status, record.response = status, body
            record.save(update_fields=["status", "response"])
    except _KeyTaken:
        found = _earlier(token=token, key=key, operation=operation, request_sha256=request_sha256)
        if found is None:  # the other request rolled back after all: nothing to answer
            raise IdempotencyConflict(
                "同一幂等键的另一个请求正在处理，请稍后重试。",
                log_message=f"token {token.pk}: key {key!r} raced",
            ) from None
        return found
    return Answer(status=status, body=body, replayed=False)


# --- pruning (``sanxiang prune``) ------------------------------------------------------------


def api_auth_failures_prune(*, dry_run: bool = False) -> int:
    """Remove the refused-authentication rows older than the cool-off, which count no more
    (each address's own are already removed at its next failure; an address that never comes
    back leaves them). Returns how many, or would."""
    old = ApiAuthFailure.objects.filter(at__lt=_since())
    return old.count() if dry_run else old.delete()[0]


def api_writes_prune(*, before: datetime | None, dry_run: bool = False) -> int:
    """Remove the stored Idempotency-Keys (and answers) of writes made before ``before``; None
    (the default, ``SANXIANG_PRUNE_API_KEYS_DAYS=0``) keeps them all, as api.md promises: a key
    removed could be sent again and would write again. What the write recorded is in the
    ledger, not here. Returns how many, or would."""
    if before is None:
        return 0
    old = ApiWrite.objects.filter(created_at__lt=before)
    return old.count() if dry_run else old.delete()[0]
