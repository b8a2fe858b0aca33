"""Tree head signatures: Ed25519 by default, SM2 with SM3 (国密) as an option.

Private keys are generated into ``SANXIANG_VAR/keys/`` on first use (mode 0600) and never leave
it; public keys go into the database and onto the portal. SM2 signatures use the standard
distinguishing ID ``1234567812345678`` (GB/T 32918), so ``openssl pkeyutl -verify -rawin
-digest sm3 -pkeyopt distid:1234567812345678`` verifies them.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from sanxiang.instance import private_file, var_dir

ED25519 = "ed25519"
SM2 = "sm2-sm3"
ALGORITHMS = (ED25519, SM2)


@dataclass(frozen=True)
class Signer:
    """The installation's signing key for one algorithm."""

    algorithm: str
    private_key: Any
    public_key_pem: str

    @property
    def key_id(self) -> str:
        return key_id(self.public_key_pem)

    def sign(self, payload: bytes) -> str:
        """Base64 signature of ``payload``."""
        if self.algorithm == ED25519:
            raw = self.private_key.sign(payload)
        else:
            from tongsuopy.crypto import hashes
            from tongsuopy.crypto.asymciphers import ec

            raw = self.private_key.sign(payload, ec.ECDSA(hashes.SM3()))
        return base64.b64encode(raw).decode("ascii")


def key_id(public_key_pem: str) -> str:
    """Hex SHA-256 of the DER-encoded public key (SubjectPublicKeyInfo)."""
    body = "".join(line for line in public_key_pem.strip().splitlines() if "-----" not in line)
    return hashlib.sha256(base64.b64decode(body)).hexdigest()


def _new_private_pem(algorithm: str) -> bytes:
    if algorithm == ED25519:
        return Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    from tongsuopy.crypto import serialization as sm_serialization
    from tongsuopy.crypto.asymciphers import ec

    return bytes(
        ec.generate_private_key(ec.SM2()).private_bytes(
            sm_serialization.Encoding.PEM,
            sm_serialization.PrivateFormat.PKCS8,
            sm_serialization.NoEncryption(),
        )
    )


def load_signer(algorithm: str, *, role: str = "ledger") -> Signer:
    """The installation's key for ``algorithm``, created on first use.

    ``role="witness"`` is the separate key this installation co-signs other logs' heads with.
    """
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown signature algorithm {algorithm!r}; use one of {ALGORITHMS}")
    name = f"keys/{role}-{algorithm}.pem"
    if getattr(settings, "CLUSTER", False):
        # Several nodes sign one installation's logs: a key made on one node alone would sign
        # heads the other nodes do not trust. The keys are made once and copied to every node.
        path = private_file(name)
        if not path.is_file():
            raise FileNotFoundError(
                f"SANXIANG_CLUSTER is on and this node has no {path}: make the key once on one "
                "node (SANXIANG_CLUSTER=0 sanxiang ledger sign) and copy its SANXIANG_VAR/keys/ "
                "folder to every node"
            )
    else:
        path = private_file(name, create=lambda: _new_private_pem(algorithm))
    pem = path.read_bytes()
    if algorithm == ED25519:
        private = serialization.load_pem_private_key(pem, password=None)
        public = private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    else:
        from tongsuopy.crypto import serialization as sm_serialization

        private = sm_serialization.load_pem_private_key(pem, password=None)
        public = private.public_key().public_bytes(
            sm_serialization.Encoding.PEM, sm_serialization.PublicFormat.SubjectPublicKeyInfo
        )
    return Signer(algorithm=algorithm, private_key=private, public_key_pem=public.decode("ascii"))


def trusted_key_ids() -> set[str]:
    """Keys whose tree heads ``verify`` accepts: this installation's own (in SANXIANG_VAR/keys)
    and any listed in ``SANXIANG_LEDGER_TRUSTED_KEYS`` (comma-separated key ids, e.g. the keys
    of a previous server after a move)."""
    trusted = {
        item.strip() for item in os.environ.get("SANXIANG_LEDGER_TRUSTED_KEYS", "").split(",")
    }
    for algorithm in ALGORITHMS:
        if (var_dir() / "keys" / f"ledger-{algorithm}.pem").exists():
            trusted.add(load_signer(algorithm).key_id)
    return trusted - {""}


def verify_signature(algorithm: str, public_key_pem: str, payload: bytes, signature: str) -> bool:
    """Whether ``signature`` (Base64) is a valid signature of ``payload`` under the key.

    A malformed key or signature is simply not valid (never an exception).
    """
    try:
        return _verify(
            algorithm, public_key_pem, payload, base64.b64decode(signature, validate=True)
        )
    except (ValueError, TypeError):
        return False


def _verify(algorithm: str, public_key_pem: str, payload: bytes, raw: bytes) -> bool:
    if algorithm == ED25519:
        public = serialization.load_pem_public_key(public_key_pem.encode("ascii"))
        if not isinstance(public, Ed25519PublicKey):
            return False
        try:
            public.verify(raw, payload)
        except InvalidSignature:
            return False
        return True
    if algorithm == SM2:
        from tongsuopy.crypto import hashes
        from tongsuopy.crypto import serialization as sm_serialization
        from tongsuopy.crypto.asymciphers import ec
        from tongsuopy.crypto.exceptions import InvalidSignature as SmInvalidSignature

        sm_public = sm_serialization.load_pem_public_key(public_key_pem.encode("ascii"))
        try:
            sm_public.verify(raw, payload, ec.ECDSA(hashes.SM3()))
        except (SmInvalidSignature, ValueError):
            return False
        return True
    return False
