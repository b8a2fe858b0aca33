"""Personal electronic signatures (个人电子签名) of officers: registering a browser-made key and
checking a signature made with it.

Ed25519 (RFC 8032) because every current browser's WebCrypto makes and uses such keys without
letting the page read the private key. A signature is over the exact UTF-8 bytes of a text the
server proposed (see ``cases.signing``), so what was signed can be shown and re-checked later by
anyone holding the public key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import transaction
from django.utils import timezone

from sanxiang.errors import DomainError
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Officer, SigningKey

logger = logging.getLogger(__name__)


class SignatureRefused(DomainError):
    """A key or a signature that cannot be accepted; nothing was changed."""


def _b64(text: str, size: int, what: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != size:
        raise SignatureRefused(f"{what}格式不正确。", log_message=f"bad {what}: {len(raw)} bytes")
    return raw


def signing_key_register(*, officer: Officer, public_key_b64: str) -> SigningKey:
    """The officer's new key; his previous key (if any) stops being usable for new signatures."""
    if not officer.is_active:
        raise SignatureRefused("您的账号已停用。", log_message=f"officer {officer.pk} inactive")
    raw = _b64(public_key_b64, 32, "公钥")
    key_id = hashlib.sha256(raw).hexdigest()
    with transaction.atomic():
        Officer.objects.select_for_update().filter(pk=officer.pk).first()
        if SigningKey.objects.filter(key_id=key_id).exists():
            raise SignatureRefused("该公钥已登记过。", log_message=f"key {key_id} exists")
        now = timezone.now()
        SigningKey.objects.filter(officer=officer, revoked_at__isnull=True).update(revoked_at=now)
        key = SigningKey.objects.create(
            officer=officer, public_key=base64.b64encode(raw).decode(), key_id=key_id
        )
        ledger_append(
            actor=officer.ledger_actor,
            action="org.signingkey.registered",
            object_type="org.signingkey",
            object_id=key.pk,
            agency_id=officer.ledger_agency_id,
            content_sha256=key_id,  # SHA-256 of the raw public key
        )
    logger.info("officer %s registered signing key %s", officer.pk, key_id[:16])
    return key


def active_key(officer: Officer) -> SigningKey | None:
    return SigningKey.objects.filter(officer=officer, revoked_at__isnull=True).first()


def signature_check(*, officer: Officer, text: str, signature_b64: str) -> SigningKey:
    """The officer's active key, if ``signature_b64`` is its signature of ``text``."""
    key = active_key(officer)
    if key is None:
        raise SignatureRefused(
            "您尚未登记电子签名密钥，请先在“电子签名密钥”页面生成。",
            log_message=f"officer {officer.pk} has no signing key",
        )
    signature = _b64(signature_b64, 64, "电子签名")
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key.public_key))
    try:
        public.verify(signature, text.encode("utf-8"))
    except InvalidSignature:
        raise SignatureRefused(
            "电子签名验证未通过，请在登记密钥的浏览器上重新签名。",
            log_message=f"officer {officer.pk}: signature does not verify with {key.key_id[:16]}",
        ) from None
    return key


def signature_valid(public_key_b64: str, text: str, signature_b64: str) -> bool:
    """Re-check a stored signature (for ``ledger verify`` and the case page)."""
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64))
        public.verify(base64.b64decode(signature_b64), text.encode("utf-8"))
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True
