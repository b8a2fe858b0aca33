"""A supervising body's 监督人员 reads; he never acts (issue #16).

The access gate already keeps every other agency's case out of his ``ACT`` and ``CHANGE``
scopes; this refuses, with a 403 in Chinese, every POST of his to the office's domain pages, so
that nothing he sends is even tried. Log-in, log-out, his password, notifications, jobs (an
export), 预警 addressed to him and the supervision pages stay open. Must sit after
``AuthenticationMiddleware``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from sanxiang.org.selectors import officer_for_user, supervisory_body_of

OPEN_TO_SUPERVISORS = (
    "/office/supervision/",
    "/office/login/",
    "/office/logout/",
    "/office/password/",
    "/office/signing-key/",
    "/office/notifications/",
    "/office/jobs/",
    "/office/alerts/",  # acknowledging or closing a 预警 addressed to him changes no case
    "/office/evaluation/",  # 案卷评查: he runs campaigns and scores cases, never changes one
)


class SupervisorReadOnlyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            request.method not in ("GET", "HEAD", "OPTIONS")
            and user is not None
            and user.is_authenticated
            and request.path.startswith("/office/")
            and not request.path.startswith("/office/admin/")
            and not request.path.startswith(OPEN_TO_SUPERVISORS)
            and supervisory_body_of(officer_for_user(user.pk)) is not None
        ):
            raise PermissionDenied("监督人员只能调阅，不能办理案件或者修改数据。")
        return self.get_response(request)
