"""站内通知: a message to one officer that something came back to him on a case.

A notification is a convenience, not a record: what it says is also on the case page, the
review page or the 工作台's lists, and the ledger holds the step that caused it. It is made in
the step's own transaction (so it never announces a step that rolled back) and it names its
case, so that a recipient who may no longer see the case never sees the notification either
(``selectors.notifications_for``)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from sanxiang.cases.models import Case
from sanxiang.org.models import Agency, Officer


class NotificationKind(models.TextChoices):
    REVIEW_RETURNED = "review_returned", "法制审核退回"
    REVIEW_PASSED = "review_passed", "法制审核通过"
    REVIEW_RESUBMITTED = "review_resubmitted", "重新提交法制审核"
    DECIDED = "decided", "已作出决定"
    APPROVED = "approved", "负责人审批"
    AWAITING_APPROVAL = "awaiting_approval", "待您审批"
    PUBLICATION_OVERDUE = "publication_overdue", "公示逾期"


class Notification(models.Model):
    recipient = models.ForeignKey(
        Officer, on_delete=models.CASCADE, related_name="notifications", verbose_name="接收人"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name="执法主体"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+", verbose_name="案件")
    kind = models.CharField("类型", max_length=32, choices=NotificationKind.choices)
    text = models.CharField("内容", max_length=300)
    # Set only where one event may be seen twice (the overdue scan runs again and again): the
    # same key for the same recipient is never notified twice.
    key = models.CharField(max_length=120, blank=True, default="")
    created_at = models.DateTimeField("通知时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-pk"]
        indexes = [
            # In the desk's order (unread first: DESC puts NULL first on PostgreSQL), and the
            # unread count's filter (recipient, read_at IS NULL) is its prefix.
            models.Index(
                fields=["recipient", "-read_at", "-created_at", "-id"], name="notification_desk"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~Q(key=""),
                name="notification_once_per_event",
                violation_error_message="该事项已通知过。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient.name}：{self.text}"
