"""Template context for every office page."""

from django.http import HttpRequest
from django.utils import timezone

from sanxiang.core.selectors import next_year_missing

# The areas of the office; those without a ``url`` are built by later work and shown disabled.
AREAS = (
    {"name": "我的案件", "url": "/office/cases/"},
    {"name": "证据与全过程记录", "url": "/office/evidence/"},
    {"name": "法制审核", "url": "/office/review/"},
    {"name": "执法公示", "url": "/office/disclosure/"},
    {"name": "统计年报", "url": "/office/report/annual/"},
    {"name": "双随机抽查", "url": "/office/inspections/"},
    {"name": "行政许可", "url": "/office/permits/"},
    {"name": "裁量基准", "url": "/office/discretion/"},
    {"name": "培训记录", "url": "/office/training/"},
    {"name": "预警", "url": "/office/alerts/"},
    {"name": "投诉举报", "url": "/office/complaints/"},
    {"name": "执法监督", "url": "/office/supervision/"},
    {"name": "案卷评查", "url": "/office/evaluation/"},
)


def navigation(request: HttpRequest) -> dict[str, object]:
    """The office side navigation, and for administrators the reminder to enter next year's
    holiday schedule (``calendar_missing_year``: evaluated only where a page shows it)."""
    user = getattr(request, "user", None)

    def calendar_missing_year() -> int | None:
        # Only those who can enter it (管理后台) are reminded; everyone else sees 暂定 dates.
        if user is None or not (user.is_staff or user.is_superuser):
            return None
        return next_year_missing(timezone.localdate())

    return {"areas": AREAS, "calendar_missing_year": calendar_missing_year}
