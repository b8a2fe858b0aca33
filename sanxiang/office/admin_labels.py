"""Chinese names for the screens the 管理后台 borrows from django-axes (登录失败锁定), which
ships no Simplified Chinese: its app, models, columns and filter, set once at start-up."""

from __future__ import annotations

from typing import Any

from django.apps import apps

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

    locked: Any = axes_admin.IsLockedOutFilter
    locked.title = "是否锁定"
    for name in ("status", "expiration"):
        method = getattr(axes_admin.AccessAttemptAdmin, name, None)
        if method is not None:
            method.short_description = {"status": "状态", "expiration": "失效时间"}[name]
