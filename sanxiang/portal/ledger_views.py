"""The ledger's public face: signed tree heads, public keys and RFC 9162 proofs as JSON.

An outside auditor can fetch heads, check their signatures with the published keys, and ask
for inclusion and consistency proofs to check with any RFC 9162 implementation (hashes are
Base64, as in the transparency-dev test vectors; leaf indexes start at 0).
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from sanxiang.core.params import BadParameter, int_param
from sanxiang.errors import DomainError
from sanxiang.ledger import selectors
from sanxiang.org.selectors import agency_list_public

if TYPE_CHECKING:
    from sanxiang.ledger.models import LedgerLog, TreeHead


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def _int(request: HttpRequest, name: str) -> int:
    value = int_param(request.GET, name, label=name)
    if value is None:
        raise BadParameter(f"请提供参数 {name}（非负整数）。", log_message=f"no {name}")
    return value


class UnknownLog(DomainError):
    """``?log=`` names no log of this installation."""


def _log(request: HttpRequest) -> LedgerLog | None:
    """The log asked for: ``?log=<执法主体 id>``, or the installation's own log by default
    (``?log=installation``). None when that log has no entry yet."""
    raw = request.GET.get("log", "").strip()
    if raw in ("", selectors.INSTALLATION_LOG):
        return selectors.log_for(agency_id=None)
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        raise UnknownLog(
            "参数 log 应为执法主体编号（非负整数）或 installation。",
            log_message=f"bad log {raw[:40]!r}",
        )
    log = selectors.log_for(agency_id=int(raw))
    if log is None:
        raise UnknownLog(f"执法主体 {raw} 尚无记录日志。", log_message=f"no log for agency {raw}")
    return log


def _refusal(exc: DomainError) -> JsonResponse:
    return JsonResponse(
        {"error": exc.message}, status=400, json_dumps_params={"ensure_ascii": False}
    )


def _wants_page(request: HttpRequest) -> bool:
    """A person's browser following a link (it asks for HTML first), not an auditor's tool
    (they ask for JSON or anything) and not ``?format=json``."""
    accept = request.headers.get("Accept", "")
    return request.GET.get("format") != "json" and accept.startswith("text/html")


View = Callable[[HttpRequest], HttpResponse]


def _readable(title: str, what: str) -> Callable[[View], View]:
    """The same JSON, on a portal page with what it proves in plain words, for a browser; tools
    get the JSON unchanged (``Vary: Accept``). The page links to the raw JSON."""

    def wrap(view: View) -> View:
        @functools.wraps(view)
        def answer(request: HttpRequest) -> HttpResponse:
            response = view(request)
            if _wants_page(request) and isinstance(response, JsonResponse):
                body = json.loads(response.content)
                query = urlencode({**request.GET.dict(), "format": "json"})
                response = render(
                    request,
                    "portal/ledger_json.html",
                    {
                        "title": title,
                        "what": what,
                        "error": body.get("error") if response.status_code != 200 else None,
                        "text": json.dumps(body, ensure_ascii=False, indent=2),
                        "raw_url": f"{request.path}?{query}",
                    },
                    status=response.status_code,
                )
            patch_vary_headers(response, ["Accept"])
            return response

        return answer

    return wrap


def _head_json(head: TreeHead) -> dict[str, object]:
    return {
        "log": head.log.key if head.log is not None else None,
        "tree_size": head.size,
        "root_hash": _b64(bytes.fromhex(head.root)),
        "root_hex": head.root,
        "signed_at": head.signed_at.isoformat(),
        "algorithm": head.key.algorithm,
        "key_id": head.key.key_id,
        "payload": head.payload,
        "signature": head.signature,
    }


@require_GET
def ledger_index(request: HttpRequest) -> HttpResponse:
    """签名树头 of the installation log, the newest head of every log, and public keys."""
    log = selectors.log_for(agency_id=None)
    # Each log under the name a citizen knows (the agency's), its key beside it for the API.
    names = {
        agency.pk: agency.name
        for agency in agency_list_public(enforcing_only=False).only("pk", "name")
    }
    newest = [
        {
            "head": head,
            "name": "平台日志"
            if head.log is None or head.log.agency_id is None
            else names.get(head.log.agency_id, f"执法主体 {head.log.agency_id}"),
        }
        for head in selectors.newest_heads_public()
    ]
    return render(
        request,
        "portal/ledger.html",
        {
            "heads": selectors.tree_heads_public(log=log),
            "newest": newest,
            "keys": selectors.signing_keys_public(),
            "size": selectors.tree_size(log=log),
            "total": selectors.entries_total(),
        },
    )


@require_GET
@_readable(
    "各日志最新签名树头",
    "平台为每本执法全过程记录日志签名的最新“树头”：日志当时有多少条记录（tree_size），"
    "由全部记录算出的根哈希（root_hash）是什么。以后任何一条旧记录被改动或删除，"
    "根哈希就对不上，签名也就不再成立。",
)
def ledger_checkpoints(request: HttpRequest) -> HttpResponse:
    """The installation's checkpoint: the newest signed head of every log, by log key."""
    return JsonResponse(
        {"logs": [_head_json(head) for head in selectors.newest_heads_public()]},
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
@_readable(
    "签名树头",
    "平台对一本执法全过程记录日志签名的最新“树头”：日志当时有多少条记录（tree_size），"
    "由全部记录算出的根哈希（root_hash）是什么，以及核对签名用的公钥。以后任何一条旧记录"
    "被改动或删除，根哈希就对不上，签名也就不再成立。",
)
def ledger_checkpoint(request: HttpRequest) -> HttpResponse:
    """The newest signed tree head of one log (``?log=``), with its public key."""
    try:
        heads = selectors.tree_heads_public(log=_log(request), limit=1)
    except DomainError as exc:
        return _refusal(exc)
    if not heads:
        return JsonResponse(
            {"error": "尚无签名树头。"}, status=404, json_dumps_params={"ensure_ascii": False}
        )
    head = heads[0]
    return JsonResponse({**_head_json(head), "public_key_pem": head.key.public_key_pem})


@require_GET
@_readable(
    "包含证明",
    "证明某一条记录（leaf_index）确实记在已签名的日志（大小为 tree_size）中："
    "用这条记录和下面的路径（inclusion_path）算出的根哈希，与平台签名的根哈希相同。",
)
def ledger_proof(request: HttpRequest) -> HttpResponse:
    """Inclusion proof: ``?index=I&size=N`` (``&log=`` as for the checkpoint)."""
    try:
        log = _log(request)
        index, size = _int(request, "index"), _int(request, "size")
        proof = selectors.inclusion_proof(index=index, size=size, log=log)
        leaf = selectors.leaf_hash_at(index, log=log)
        root = selectors.root_at(size, log=log)
    except DomainError as exc:
        return _refusal(exc)
    return JsonResponse(
        {
            "log": log.key if log is not None else selectors.INSTALLATION_LOG,
            "leaf_index": index,
            "tree_size": size,
            "leaf_hash": _b64(leaf),
            "inclusion_path": [_b64(node) for node in proof],
            "root_hash": _b64(root),
        }
    )


@require_GET
@_readable(
    "一致性证明",
    "证明日志从较早的大小（first）增长到较晚的大小（second）时，只在末尾添加了记录，"
    "以前的记录一条也没有被改动或删除。",
)
def ledger_consistency(request: HttpRequest) -> HttpResponse:
    """Consistency proof: ``?first=M&second=N`` (``&log=`` as for the checkpoint)."""
    try:
        log = _log(request)
        first, second = _int(request, "first"), _int(request, "second")
        proof = selectors.consistency_proof(first=first, second=second, log=log)
        roots = (selectors.root_at(first, log=log), selectors.root_at(second, log=log))
    except DomainError as exc:
        return _refusal(exc)
    return JsonResponse(
        {
            "log": log.key if log is not None else selectors.INSTALLATION_LOG,
            "first": first,
            "second": second,
            "first_root_hash": _b64(roots[0]),
            "second_root_hash": _b64(roots[1]),
            "consistency_path": [_b64(node) for node in proof],
        }
    )


# A watched log's key id (hex SHA-256 of its public key) and one of its logs' names.
_WATCHED_KEY = re.compile(r"[0-9a-f]{64}")
_LOG_NAME = re.compile(r"(installation|agency:[0-9]{1,18})?")


def _json(body: dict[str, object], status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


@csrf_exempt  # the request is authenticated by the log's own signature, not by a session
@require_http_methods(["GET", "POST"])
def ledger_witness(request: HttpRequest) -> HttpResponse:
    """This installation as a witness of other installations' logs (docs/operations/ledger.md).

    ``GET ?log=<key id>&log_name=<log>``: the latest head of that log this installation
    co-signed (``log_name`` empty or absent: the installation's one log from before per-agency
    logs).
    ``POST`` ``{head_payload, head_signature, old_size, proof}`` (proof nodes in Base64): check
    the head and the consistency proof from ``old_size`` (the size last co-signed), co-sign.
    """
    from sanxiang.ledger import witness

    if request.method == "GET":
        key_id, log_name = request.GET.get("log", ""), request.GET.get("log_name", "")
        if not _WATCHED_KEY.fullmatch(key_id) or not _LOG_NAME.fullmatch(log_name):
            return _json(
                {
                    "error": "参数 log 应为日志公钥标识（64 位十六进制），"
                    "log_name 应为 installation、agency:执法主体编号或留空。"
                },
                status=400,
            )
        checkpoint = witness.latest_checkpoint(key_id, log_name)
        if checkpoint is None:
            return _json({"error": "本见证方尚未见证该日志的任何树头。"}, status=404)
        return _json(witness.checkpoint_json(checkpoint))
    try:
        body = json.loads(request.body)
        old_size = body["old_size"]
        if not isinstance(old_size, int) or isinstance(old_size, bool) or old_size < 0:
            raise ValueError("old_size")
        proof = [base64.b64decode(node, validate=True) for node in body["proof"]]
        head_payload, head_signature = str(body["head_payload"]), str(body["head_signature"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        return _json(
            {"error": "请求应为 JSON：head_payload、head_signature、old_size、proof。"}, 400
        )
    try:
        checkpoint = witness.checkpoint_add(
            head_payload=head_payload,
            head_signature=head_signature,
            old_size=old_size,
            proof=proof,
        )
    except witness.WitnessRefused as exc:
        return _json({"error": exc.message, "log": exc.log_message, "size": exc.size}, exc.status)
    return _json(witness.checkpoint_json(checkpoint))
