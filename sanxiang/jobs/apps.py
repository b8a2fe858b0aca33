from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage


class JobsConfig(AppConfig):
    name = "sanxiang.jobs"
    verbose_name = "后台任务"

    def ready(self) -> None:
        from sanxiang.core.background import register
        from sanxiang.jobs.services import job_abandon, job_run

        register("jobs.run", job_run, on_abandoned=job_abandon)

        from django.db.models.signals import post_migrate

        post_migrate.connect(_queue_schema, sender=self, dispatch_uid="jobs-queue-schema")

        from django.core import checks

        checks.register(_queue_settings)


def _queue_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``SANXIANG_QUEUE`` names a known way to run background work, and the queue has its
    database."""
    import os

    from django.core import checks
    from django.db import connection

    from sanxiang.core.background import MODES

    chosen = os.environ.get("SANXIANG_QUEUE", "thread").strip().lower()
    if chosen not in MODES:
        return [
            checks.Error(
                f"SANXIANG_QUEUE={chosen!r} 无效，应为 {'、'.join(MODES)} 之一"
                "（网页进程现按 thread 运行）。",
                id="jobs.E001",
            )
        ]
    if chosen == "procrastinate" and connection.vendor != "postgresql":
        return [
            checks.Error(
                "SANXIANG_QUEUE=procrastinate 需要 PostgreSQL 数据库（DATABASE_URL）。",
                id="jobs.E002",
            )
        ]
    return []


def _queue_schema(sender: object, using: str = "default", **kwargs: object) -> None:
    """``sanxiang migrate`` creates the job queue's tables when the queue is on."""
    from sanxiang.core import background

    if background.mode() == "procrastinate" and using == "default":
        from sanxiang.core.queue import schema_ensure

        schema_ensure()
