from django.contrib import admin

from sanxiang.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only: what was asked, by whom, and how it ended (the error in English for 运维)."""

    list_display = ("created_at", "agency", "requested_by", "kind_label", "state", "progress")
    list_filter = ("state",)

    @admin.display(description="任务类型")
    def kind_label(self, job: Job) -> str:
        from sanxiang.jobs.kinds import KINDS

        kind = KINDS.get(job.kind)
        return kind.label if kind else "（未知）"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
