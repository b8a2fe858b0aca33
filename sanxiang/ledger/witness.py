"""Witnessed checkpoints: tree heads co-signed by someone outside this database.

Modelled on Certificate Transparency's witnesses. Both ends live here:

- **The witness** (any Sanxiang installation, e.g. the supervising body's) keeps, per watched
  log (identified by the installation's public key and the ``log`` its heads name: one per
  agency and one for the installation), every head it co-signed. Given a new signed head
  and an RFC 9162 consistency proof from the size it last co-signed, it checks the log's
  signature and the proof, stores the head and returns its own Ed25519 co-signature. It never
  co-signs a smaller tree, nor a different root at the same size: a truncated or forked log is
  refused.
- **The log** sends each log's newest head (``sanxiang ledger witness push``), stores the
  co-signatures, and ``sanxiang ledger verify --witness`` asks each witness for the latest head
  it co-signed: a log now smaller than that head was truncated; a different root at that size
  means the log was rewritten (forked).

The log's own database cannot vouch for itself against its administrators: whoever can drop
the triggers can also delete the last entries and their signed heads. A witness elsewhere keeps
the proof that they existed.
"""

from __future__ import annotations

import base64
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import transaction
from django.utils import timezone

from sanxiang.errors import DomainError
from sanxiang.ledger import merkle
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.events import (
    LedgerEvent,
    witness_configured,
    witness_signature_recorded,
    witness_watched,
)
from sanxiang.ledger.models import (
    INSTALLATION_LOG,
    Checkpoint,
    Cosignature,
    LedgerLog,
    TreeHead,
    WatchedLog,
    Witness,
)
from sanxiang.ledger.selectors import consistency_proof, log_for, root_at, tree_size
from sanxiang.ledger.signing import ED25519, key_id, load_signer, verify_signature

if TYPE_CHECKING:
    from sanxiang.ledger.verify import VerifyReport

logger = logging.getLogger(__name__)

COSIGNATURE_KIND = "sanxiang-witness-cosignature/v1"


class WitnessRefused(DomainError):
    """The witness will not co-sign: unknown log, bad signature, stale size, rollback or fork.

    ``status`` is the HTTP status the witness answers with; ``size`` the size it last
    co-signed, when the request was built on another.
    """

    def __init__(self, message: str, *, log_message: str, status: int, size: int | None = None):
        super().__init__(message, log_message=log_message)
        self.status = status
        self.size = size


# --- the witness ---------------------------------------------------------------------------


def watched_log_add(*, name: str, public_key_pem: str, algorithm: str = ED25519) -> WatchedLog:
    """Start witnessing the log whose tree heads are signed with ``public_key_pem``."""
    with transaction.atomic():
        log, created = WatchedLog.objects.get_or_create(
            key_id=key_id(public_key_pem),
            defaults={"name": name, "algorithm": algorithm, "public_key_pem": public_key_pem},
        )
        if created:
            witness_watched(key_id=log.key_id, public_key_pem=public_key_pem)
    logger.info("witnessing log %s (%s)", log.key_id, name)
    return log


def witness_public_key_pem() -> str:
    """The key this installation co-signs with (created on first use, kept apart from the
    key that signs its own log)."""
    return load_signer(ED25519, role="witness").public_key_pem


def latest_checkpoint(log_key_id: str, log_name: str = "") -> Checkpoint | None:
    """The newest head co-signed of one log of a watched installation (``log_name`` empty: its
    one global log from before per-agency logs)."""
    return (
        Checkpoint.objects.filter(log_id=log_key_id, log_name=log_name)
        .order_by("-size", "-id")
        .select_related("log")
    ).first()


def _cosign(log: WatchedLog, log_name: str, size: int, root: str) -> tuple[str, str]:
    signer = load_signer(ED25519, role="witness")
    payload = canonical_json(
        {
            "kind": COSIGNATURE_KIND,
            "log_key_id": log.key_id,
            "log_name": log_name,
            "root": root,
            "size": size,
            "time": timezone.now().isoformat(),
            "witness_key_id": signer.key_id,
        }
    )
    return payload.decode("utf-8"), signer.sign(payload)


def checkpoint_add(
    *, head_payload: str, head_signature: str, old_size: int, proof: list[bytes]
) -> Checkpoint:
    """Check a watched log's new signed head against the last one co-signed, and co-sign it."""
    try:
        head = json.loads(head_payload)
        size, root, log_key = int(head["size"]), str(head["root"]), str(head["key_id"])
        log_name = head.get("log") or ""
        if not isinstance(log_name, str) or len(log_name) > 32:
            raise TypeError("log")
    except (ValueError, KeyError, TypeError, AttributeError):
        raise WitnessRefused(
            "树头内容不是有效的签名树头。", log_message="malformed head", status=400
        ) from None
    with transaction.atomic():
        log = WatchedLog.objects.select_for_update().filter(key_id=log_key).first()
        if log is None:
            raise WitnessRefused(
                "本见证方未登记该日志的公钥，请先由见证方管理员登记（sanxiang ledger witness "
                "watch）。",
                log_message=f"unknown log {log_key}",
                status=403,
            )
        if not verify_signature(
            log.algorithm, log.public_key_pem, head_payload.encode("utf-8"), head_signature
        ):
            raise WitnessRefused(
                "树头签名无效。", log_message=f"log {log_key}: bad head signature", status=403
            )
        last = latest_checkpoint(log.key_id, log_name)
        last_size = last.size if last is not None else 0
        if size < last_size:
            raise WitnessRefused(
                f"该日志已有大小为 {last_size} 的见证树头，不能见证更小的树（日志被截断）。",
                log_message=f"log {log_key}: rollback {size} < {last_size}",
                status=409,
                size=last_size,
            )
        if old_size != last_size:
            raise WitnessRefused(
                f"请提供从大小 {last_size} 起的一致性证明。",
                log_message=f"log {log_key}: proof from {old_size}, witnessed {last_size}",
                status=409,
                size=last_size,
            )
        if last is not None and last_size > 0:
            consistent = merkle.verify_consistency(
                last_size, size, bytes.fromhex(last.root), bytes.fromhex(root), proof
            )
            if not consistent:
                raise WitnessRefused(
                    f"一致性证明不成立：大小为 {size} 的树不是已见证的大小为 {last_size} 的树的"
                    "延续（日志被改写）。",
                    log_message=f"log {log_key}: inconsistent {last_size} -> {size}",
                    status=409,
                    size=last_size,
                )
            if size == last_size:
                return last
        payload, signature = _cosign(log, log_name, size, root)
        checkpoint = Checkpoint.objects.create(
            log=log,
            log_name=log_name,
            size=size,
            root=root,
            head_payload=head_payload,
            head_signature=head_signature,
            cosignature_payload=payload,
            cosignature=signature,
            cosigned_at=timezone.now(),
        )
        witness_signature_recorded(LedgerEvent.WITNESS_COSIGNED, checkpoint.pk, payload)
    logger.info("log %s: co-signed size=%d root=%s", log.key_id, size, root)
    return checkpoint


def checkpoint_json(checkpoint: Checkpoint) -> dict[str, Any]:
    """What the witness answers: the head it co-signed and its co-signature."""
    return {
        "log_key_id": checkpoint.log_id,
        "log_name": checkpoint.log_name,
        "size": checkpoint.size,
        "root": checkpoint.root,
        "cosignature_payload": checkpoint.cosignature_payload,
        "cosignature": checkpoint.cosignature,
        "witness_public_key_pem": witness_public_key_pem(),
    }


# --- the log ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WitnessAnswer:
    status: int
    body: dict[str, Any]


def _request(witness: Witness, data: dict[str, Any] | None, query: str = "") -> WitnessAnswer:
    url = witness.url + (f"?{query}" if query else "")
    body = None if data is None else json.dumps(data).encode("utf-8")
    request = urllib.request.Request(  # noqa: S310 - an administrator configures the URL
        url,
        data=body,
        method="GET" if data is None else "POST",
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=witness.timeout_seconds) as response:  # noqa: S310
            return WitnessAnswer(response.status, json.loads(response.read() or b"{}"))
    except urllib.error.HTTPError as exc:
        try:
            answer = json.loads(exc.read() or b"{}")
        except ValueError:
            answer = {}
        return WitnessAnswer(exc.code, answer)


def _valid_cosignature(
    witness: Witness, body: dict[str, Any], log_key_id: str, log_name: str
) -> str | None:
    """A problem with a witness's answer, or None when it is a valid co-signature by it."""
    payload = str(body.get("cosignature_payload", ""))
    if not verify_signature(
        ED25519, witness.public_key_pem, payload.encode("utf-8"), str(body.get("cosignature", ""))
    ):
        return f"witness {witness.name}: the co-signature is not valid under its configured key"
    signed = json.loads(payload)
    if (signed.get("kind"), signed.get("log_key_id"), signed.get("log_name")) != (
        COSIGNATURE_KIND,
        log_key_id,
        log_name,
    ):
        return f"witness {witness.name}: the co-signature is not for this log"
    if (signed.get("size"), signed.get("root")) != (body.get("size"), body.get("root")):
        return f"witness {witness.name}: the answer disagrees with its co-signature"
    return None


class WitnessFailed(Exception):
    """Pushing a head to a witness failed; the message says why, in English."""


def witness_push(witness: Witness, *, log: LedgerLog | None = None) -> Cosignature:
    """Send ``log``'s newest signed head (default: the installation log's) to ``witness`` with
    a consistency proof; store its co-signature. Fails when the witness refuses (e.g. because
    the log was truncated)."""
    log = log or log_for(agency_id=None)
    head = (
        TreeHead.objects.filter(log=log).select_related("key").order_by("-size", "-id").first()
        if log is not None
        else None
    )
    if head is None or log is None:
        raise WitnessFailed("no tree head to send: run `sanxiang ledger sign`")
    last = witness.cosignatures.filter(log=log).order_by("-size", "-id").first()
    old_size = last.size if last is not None else 0
    for _ in range(2):  # once more if the witness co-signed a size we did not store
        proof = (
            consistency_proof(first=old_size, second=head.size, log=log)
            if 0 < old_size <= head.size
            else []
        )
        answer = _request(
            witness,
            {
                "head_payload": head.payload,
                "head_signature": head.signature,
                "old_size": old_size,
                "proof": [base64.b64encode(node).decode("ascii") for node in proof],
            },
        )
        known = answer.body.get("size")
        if answer.status == 409 and isinstance(known, int) and old_size != known <= head.size:
            old_size = known
            continue
        break
    if answer.status != 200:
        raise WitnessFailed(
            f"witness {witness.name} refused the head of {log.key} of size {head.size} "
            f"(HTTP {answer.status}): {answer.body.get('log', answer.body.get('error', ''))}"
        )
    problem = _valid_cosignature(witness, answer.body, head.key.key_id, log.key)
    if problem:
        raise WitnessFailed(problem)
    with transaction.atomic():
        cosignature = Cosignature.objects.create(
            witness=witness,
            log=log,
            size=answer.body["size"],
            root=answer.body["root"],
            payload=answer.body["cosignature_payload"],
            signature=answer.body["cosignature"],
        )
        witness_signature_recorded(
            LedgerEvent.WITNESS_RECEIVED, cosignature.pk, cosignature.payload
        )
    logger.info("witness %s co-signed %s size=%d", witness.name, log.key, cosignature.size)
    return cosignature


def witness_add(*, name: str, url: str, public_key_pem: str) -> Witness:
    """Send this installation's heads to the witness at ``url`` (its key: ``public_key_pem``)."""
    try:
        public = serialization.load_pem_public_key(public_key_pem.encode("ascii"))
    except ValueError:
        public = None
    if not isinstance(public, Ed25519PublicKey):
        raise WitnessFailed("the witness's public key must be an Ed25519 key in PEM form")
    with transaction.atomic():
        added, _ = Witness.objects.update_or_create(
            name=name, defaults={"url": url, "public_key_pem": public_key_pem, "enabled": True}
        )
        witness_configured(witness_id=added.pk, name=name, url=url, public_key_pem=public_key_pem)
    logger.info("witness %s added at %s", name, url)
    return added


def witnesses_push() -> list[tuple[str, Cosignature | str]]:
    """Push every log's newest head to every enabled witness; each result or the problem
    (English), labelled ``witness`` for the installation log and ``witness log`` otherwise."""
    results: list[tuple[str, Cosignature | str]] = []
    logs = [log for log in LedgerLog.objects.order_by("key") if log.tree_heads.exists()]
    for target in Witness.objects.filter(enabled=True).order_by("name"):
        for log in logs:
            label = target.name if log.key == INSTALLATION_LOG else f"{target.name} {log.key}"
            try:
                results.append((label, witness_push(target, log=log)))
            except (WitnessFailed, OSError, ValueError) as exc:
                logger.warning("witness %s: %s", label, exc)
                results.append((label, str(exc)))
    return results


def witnesses_check(report: VerifyReport) -> None:
    """Add to ``report`` every way each log disagrees with what the witnesses co-signed."""
    newest = TreeHead.objects.order_by("-id").values_list("key_id", flat=True).first()
    # A log is known to its witnesses by the key that signs its heads and its name.
    signer_key = newest or load_signer(ED25519).key_id
    witnesses = list(Witness.objects.filter(enabled=True).order_by("name"))
    if not witnesses:
        report.add("no witness is configured: `--witness` has nothing to compare with")
        return
    logs = list(LedgerLog.objects.order_by("key"))
    for witness in witnesses:
        for log in logs:
            _witness_check_log(report, witness, signer_key, log)


def _witness_check_log(
    report: VerifyReport, witness: Witness, signer_key: str, log: LedgerLog
) -> None:
    the_log = "the log" if log.key == INSTALLATION_LOG else f"log {log.key}"
    query = urllib.parse.urlencode({"log": signer_key, "log_name": log.key})
    try:
        answer = _request(witness, None, query)
    except (OSError, ValueError) as exc:
        report.add(f"witness {witness.name} could not be reached: {exc}")
        return
    if answer.status == 404:
        report.add(f"witness {witness.name} has co-signed no head of {the_log} yet")
        return
    if answer.status != 200:
        report.add(f"witness {witness.name} answered HTTP {answer.status}")
        return
    problem = _valid_cosignature(witness, answer.body, signer_key, log.key)
    if problem:
        report.add(problem)
        return
    size, root = int(answer.body["size"]), str(answer.body["root"])
    report.witnesses_checked += 1
    have = report.logs.get(log.key, (tree_size(log=log), b""))[0]
    if size > have:
        report.add(
            f"witness {witness.name} co-signed a head of size {size} but {the_log} has only "
            f"{have} entries: {the_log} was truncated"
        )
    elif root_at(size, log=log).hex() != root:
        report.add(
            f"witness {witness.name} co-signed root {root} at size {size} but {the_log}'s root "
            f"at that size is {root_at(size, log=log).hex()}: {the_log} was forked (rewritten)"
        )
