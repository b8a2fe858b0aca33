"""Chinese names for the screens the 管理后台 borrows from django-axes (登录失败锁定), which
ships no Simplified Chinese: its app, models and columns are named once at start-up, and its
登录失败记录 screen is registered again with Chinese status texts, filter and sections (axes
builds those strings in methods, so naming them is not enough)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.utils import timezone

APP = "登录安全"

MODELS: dict[str, tuple[str, str]] = {
    "accessattempt": ("登录失败记录", "登录失败记录"),
    "accesslog": ("登录日志", "登录日志"),
    "accessfailurelog": ("登录失败日志", "登录失败日志"),
    "accessattemptexpiration": ("登录失败记录有效期", "登录失败记录有效期"),
}

FIELDS = {
    "id": "编号",
    "user_agent": "浏览器标识",
    "ip_address": "IP 地址",
    "username": "用户名",
    "http_accept": "请求接受类型",
    "path_info": "访问路径",
    "attempt_time": "尝试时间",
    "get_data": "查询参数",
    "post_data": "提交数据",
    "failures_since_start": "失败次数",
    "logout_time": "退出时间",
    "session_hash": "会话标识摘要",
    "locked_out": "已锁定",
    "access_attempt": "登录失败记录",
    "expires_at": "失效时间",
}


def name_axes_in_chinese() -> None:
    if not apps.is_installed("axes"):
        return
    config = apps.get_app_config("axes")
    config.verbose_name = APP
    for model in config.get_models():
        names = MODELS.get(model._meta.model_name or "")
        if names:
            model._meta.verbose_name, model._meta.verbose_name_plural = names
        for field in model._meta.fields:
            if field.name in FIELDS:
                field.verbose_name = FIELDS[field.name]
    from axes import admin as axes_admin
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib import admin

    # The titles of the change pages and the breadcrumbs read a row's str().
    titles: dict[Any, str] = {
        AccessAttempt: "登录失败记录",
        AccessLog: "登录日志",
        AccessFailureLog: "登录失败日志",
    }
    for model, title in titles.items():
        model.__str__ = _titled(title)

    if admin.site.is_registered(AccessAttempt):
        admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, _attempt_admin(axes_admin))


def _titled(title: str) -> Any:
    def as_text(row: Any) -> str:
        when = timezone.localtime(row.attempt_time)
        return f"{title}：{row.username or '（无用户名）'} {when:%Y-%m-%d %H:%M}"

    return as_text


def _attempt_admin(axes_admin: Any) -> type:
    """axes' 登录失败记录 screen with every text it draws in Chinese."""
    from axes.conf import settings as axes_settings
    from django.contrib import admin

    class LockedOutFilter(axes_admin.IsLockedOutFilter):  # type: ignore[misc]
        title = "是否锁定"

        def lookups(self, request: Any, model_admin: Any) -> tuple[tuple[str, str], ...]:
            return (("yes", "是"), ("no", "否"))

    class AttemptAdmin(axes_admin.AccessAttemptAdmin):  # type: ignore[misc]
        list_filter = [
            LockedOutFilter if f is axes_admin.IsLockedOutFilter else f
            for f in axes_admin.AccessAttemptAdmin.list_filter
        ]
        fieldsets = (
            (None, {"fields": ("username", "path_info", "failures_since_start", "expiration")}),
            ("提交的数据", {"fields": ("get_data", "post_data")}),
            ("请求信息", {"fields": ("user_agent", "ip_address", "http_accept")}),
        )
        actions = ["cleanup_expired_attempts"]

        @admin.action(description="清除已过期的失败记录")
        def cleanup_expired_attempts(self, request: Any, queryset: Any) -> None:
            count = self.handler.clean_expired_user_attempts(request=request)
            self.message_user(request, f"已清除 {count} 条过期的登录失败记录。")

        @admin.display(description="失效时间")
        def expiration(self, obj: Any) -> Any:
            return obj.expiration.expires_at if hasattr(obj, "expiration") else "未设置"

        @admin.display(description="状态")
        def status(self, obj: Any) -> str:
            limit = axes_settings.AXES_FAILURE_LIMIT
            if obj.failures_since_start < limit:
                return f"还可尝试 {limit - obj.failures_since_start} 次"
            return "已锁定"

    return AttemptAdmin
