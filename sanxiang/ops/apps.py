from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "sanxiang.ops"
    verbose_name = "运行监控"

    def ready(self) -> None:
        # Registers the cluster checks. Nothing here may import prometheus_client: its
        # multiprocess mode is chosen when it is first imported (sanxiang serve sets it up).
        from django.conf import settings

        from sanxiang.core.work import register
        from sanxiang.ops import checks  # noqa: F401
        from sanxiang.ops.prune import prune_periodic

        # ``sanxiang prune`` on a schedule where the job queue runs (docs/operations/jobs.md).
        register("ops.prune", prune_periodic, cron=settings.SANXIANG_PRUNE_CRON)
