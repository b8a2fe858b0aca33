"""Due dates as pages show them, marked 暂定 where provisional (``core.workdays``).

``{% load due_dates %}`` then ``{% due case "step_due_on" %}`` prints the date with its mark;
``{{ flag|provisional_mark }}`` prints only the mark, for dates that carry their own flag (the
party portal's dates). Every page that shows a working-day due date uses one of the two.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.db import models
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html
from django.utils.safestring import SafeString

from sanxiang.core.selectors import provisional_marks

register = template.Library()

MARK_TITLE = "暂定：期限跨入尚未录入法定节假日安排的年度，暂按周末计算，录入后自动重新计算"


@register.filter
def provisional_mark(provisional: bool) -> SafeString | str:
    """The 暂定 mark, or nothing."""
    if not provisional:
        return ""
    return format_html('<span class="provisional" title="{}">暂定</span>', MARK_TITLE)


@register.simple_tag(takes_context=True)
def due(context: Any, instance: models.Model | None, field: str, fmt: str = "Y-m-d") -> str:
    """``instance.<field>`` formatted with ``fmt``, followed by the 暂定 mark when it is a
    provisional due date; "—" when empty. One query per kind of object per template render."""
    value = getattr(instance, field, None) if instance is not None else None
    if instance is None or value is None:
        return "—"
    label = instance._meta.label_lower
    cache = context.render_context.setdefault("provisional_marks", {})
    if label not in cache:
        cache[label] = provisional_marks(label)
    mark = provisional_mark((instance.pk, field) in cache[label])
    return format_html("{}{}", date_filter(value, fmt), mark)
