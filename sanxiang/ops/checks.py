"""System checks for several nodes (``SANXIANG_CLUSTER``): every command, ``sanxiang serve``
first, refuses to start while a piece of state would stay on one node.

The database already holds what the requests of one user share between nodes — sessions,
log-in lockouts, the complaint form's and 当事人查询's limits, the API's idempotency keys — so
only files need a place every node reaches (docs/operations/observability.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Error, register


def _local(folder: str) -> bool:
    """Whether ``folder`` is inside this node's own SANXIANG_VAR."""
    return Path(folder).resolve().is_relative_to(Path(settings.VAR_DIR).resolve())


@register("sanxiang")
def shared_state_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if not settings.CLUSTER:
        return []
    errors = []
    evidence: Any = settings.STORAGES["evidence"]
    if evidence["BACKEND"].endswith("FileSystemStorage") and _local(
        evidence["OPTIONS"]["location"]
    ):
        errors.append(
            Error(
                "SANXIANG_CLUSTER is on but evidence is kept in this node's SANXIANG_VAR",
                hint="Set SANXIANG_EVIDENCE_S3_BUCKET (S3), or SANXIANG_EVIDENCE_DIR to a folder "
                "every node mounts.",
                id="sanxiang.E001",
            )
        )
    if _local(settings.SANXIANG_JOBS_DIR):
        errors.append(
            Error(
                "SANXIANG_CLUSTER is on but finished jobs' files are kept in this node's "
                "SANXIANG_VAR (a download served by another node would not find them)",
                hint="Set SANXIANG_JOBS_DIR to a folder every node mounts.",
                id="sanxiang.E002",
            )
        )
    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        errors.append(
            Error(
                "SANXIANG_CLUSTER is on but the cache is per process",
                hint="Leave CACHES to the settings (a database table) or set SANXIANG_CACHE_URL.",
                id="sanxiang.E003",
            )
        )
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        errors.append(
            Error(
                "SANXIANG_CLUSTER is on but the database is SQLite, a file on one node",
                hint="Set DATABASE_URL=postgres://… (docs/operations/postgresql.md).",
                id="sanxiang.E004",
            )
        )
    return errors


@register("sanxiang")
def prune_settings_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """``sanxiang prune``'s settings and ``sanxiang partitions ensure``'s schedule: schedules the
    queue's workers can read (a bad one would stop them at their first tick), keeping times of
    0 or more days."""
    from croniter import croniter  # type: ignore[import-untyped]

    errors = [
        Error(
            f"{name}={getattr(settings, name)!r} 不是有效的 cron 表达式",
            hint="例如 17 19 * * *（每天 UTC 19:17，即北京时间 03:17）。",
            id="sanxiang.E010",
        )
        for name in ("SANXIANG_PRUNE_CRON", "SANXIANG_PARTITIONS_CRON")
        if not croniter.is_valid(getattr(settings, name))
    ]
    errors.extend(
        Error(f"SANXIANG_PRUNE_{name}_DAYS 不能为负数（0 表示不清理）", id="sanxiang.E011")
        for name in ("QUEUE", "JOB_FILES", "API_KEYS")
        if getattr(settings, f"SANXIANG_PRUNE_{name}_DAYS") < 0
    )
    return errors
