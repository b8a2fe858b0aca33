"""Template context for every office page."""

from django.http import HttpRequest

# The areas of the office; those without a ``url`` are built by later work and shown disabled.
AREAS = (
    {"name": "我的案件", "url": "/office/cases/"},
    {"name": "证据与全过程记录", "url": "/office/evidence/"},
    {"name": "法制审核", "url": "/office/review/"},
    {"name": "执法公示", "url": "/office/disclosure/"},
    {"name": "统计年报", "url": "/office/report/annual/"},
    {"name": "双随机抽查", "url": None},
    {"name": "执法监督", "url": None},
)


def navigation(request: HttpRequest) -> dict[str, object]:
    """The office side navigation."""
    return {"areas": AREAS}
