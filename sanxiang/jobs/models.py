"""后台任务: slow work (the annual report's PDF, exports) asked for in a request and made after
it, which the page polls. One row per request of one input; the file it made stays beside it."""

from __future__ import annotations

from django.db import models

from sanxiang.org.models import Agency, Officer


class JobState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "正在生成"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


OPEN_STATES = (JobState.QUEUED, JobState.RUNNING)


class Job(models.Model):
    kind = models.CharField("任务类型", max_length=40)
    params = models.JSONField("参数", default=dict)
    input_key = models.CharField("输入摘要", max_length=64, db_index=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name="执法主体"
    )
    requested_by = models.ForeignKey(
        Officer, on_delete=models.PROTECT, related_name="+", verbose_name="申请人"
    )
    state = models.CharField(
        "状态", max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    message = models.CharField("进度说明", max_length=200, blank=True)
    error = models.TextField("错误（英文，供运维）", blank=True)
    result_path = models.CharField("结果文件", max_length=300, blank=True)
    result_name = models.CharField("下载文件名", max_length=200, blank=True)
    content_type = models.CharField("文件类型", max_length=100, blank=True)
    worker = models.CharField("执行进程", max_length=100, blank=True)
    # The queue's attempt now running it (0 the first): a retry after its worker died takes
    # the job over, and only the latest attempt may finish it.
    attempt = models.PositiveSmallIntegerField("执行次数", default=0)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    downloads = models.PositiveIntegerField("下载次数", default=0)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"后台任务 {self.pk}"
