"""``/healthz`` (the process answers) and ``/readyz`` (this node can serve requests).

``/readyz`` checks, each cheaply: the database answers ``SELECT 1``; its schema has every
migration this code has (remembered once true: a running process's code does not change); the
evidence store can be written (a local folder) or its bucket answers (S3); the ledger's signing
key loads, and on several nodes it is one the installation trusts (a node with a key of its own
would sign heads the others cannot verify). A failure answers 503 with the names of the checks
that failed; their details (English, for 运维) only to addresses allowed to read /metrics, as a
database error can name hosts and ports.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse

from sanxiang.ops.access import metrics_allowed

logger = logging.getLogger(__name__)

_schema_ok = False
# A bucket is asked at most this often (a load balancer probes every few seconds).
BUCKET_CHECK_SECONDS = 10.0
_bucket_checked: tuple[float, str | None] = (0.0, None)
_last_problems: frozenset[str] = frozenset()


def healthz(request: HttpRequest) -> HttpResponse:
    """200 while the process can answer at all: touches nothing (no database, no files)."""
    response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text.splitlines()[0]}" if text else type(error).__name__


def database_problem() -> str | None:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return _first_line(error)
    return None


def schema_problem() -> str | None:
    global _schema_ok
    if _schema_ok:
        return None
    try:
        executor = MigrationExecutor(connections["default"])
        if not executor.recorder.has_table():
            return "no migrations applied (run sanxiang migrate)"
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        return _first_line(error)
    if plan:
        return f"{len(plan)} migrations not applied (run sanxiang migrate)"
    _schema_ok = True
    return None


def evidence_problem() -> str | None:
    global _bucket_checked
    storage = storages["evidence"]
    if isinstance(storage, FileSystemStorage):
        folder = Path(storage.location)
        target = folder if folder.exists() else folder.parent
        if not target.is_dir() or not os.access(target, os.W_OK | os.X_OK):
            return f"evidence folder {folder} is not a writable folder"
        return None
    checked_at, problem = _bucket_checked
    if time.monotonic() - checked_at < BUCKET_CHECK_SECONDS:
        return problem
    try:
        bucket = storage.bucket  # type: ignore[attr-defined]  # django-storages' S3Storage
        bucket.meta.client.head_bucket(Bucket=bucket.name)
        problem = None
    except Exception as error:  # botocore's errors have no common base worth naming
        problem = f"evidence bucket: {_first_line(error)}"
    _bucket_checked = (time.monotonic(), problem)
    return problem


def signing_key_problem() -> str | None:
    """The ledger's signing key loads; on several nodes it was not made here and the newest
    tree head was signed by a key this node trusts."""
    from sanxiang.ledger.models import TreeHead
    from sanxiang.ledger.signing import ED25519, load_signer, trusted_key_ids

    algorithm = os.environ.get("SANXIANG_LEDGER_ALGORITHM", ED25519)
    try:
        load_signer(algorithm)
    except Exception as error:  # a missing, unreadable or malformed key file
        return _first_line(error)
    if settings.CLUSTER:
        try:
            newest = TreeHead.objects.order_by("-id").values_list("key__key_id", flat=True).first()
        except DatabaseError as error:  # a table missing or not as this code expects
            return _first_line(error)
        if newest is not None and newest not in trusted_key_ids():
            return (
                f"the newest tree head was signed with key {newest[:16]}…, which this node "
                "neither holds nor trusts: give every node the same keys/ folder"
            )
    return None


CHECKS = {
    "database": database_problem,
    "migrations": schema_problem,
    "evidence_storage": evidence_problem,
    "signing_key": signing_key_problem,
}


def readyz(request: HttpRequest) -> HttpResponse:
    """200 ``{"ready": true, ...}`` or 503 naming what is not ready."""
    global _last_problems
    problems: dict[str, str] = {}
    for name, check in CHECKS.items():
        if name != "database" and "database" in problems and name != "evidence_storage":
            problems[name] = "not checked: the database does not answer"
            continue
        if name == "signing_key" and "migrations" in problems:  # it reads the ledger's tables
            problems[name] = "not checked: the database schema is not migrated"
            continue
        problem = check()
        if problem is not None:
            problems[name] = problem
    names = frozenset(problems)
    if names != _last_problems:  # once per change, not once per probe
        if problems:
            logger.warning("not ready: %s", "; ".join(f"{k}: {v}" for k, v in problems.items()))
        else:
            logger.info("ready again")
        _last_problems = names
    body: dict[str, object] = {
        "ready": not problems,
        "checks": {name: ("failed" if name in problems else "ok") for name in CHECKS},
    }
    if problems and metrics_allowed(request):
        body["details"] = problems
    response = JsonResponse(body, status=503 if problems else 200)
    response["Cache-Control"] = "no-store"
    return response
