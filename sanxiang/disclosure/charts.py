"""Horizontal bar charts as inline SVG, drawn on the server: no script, no library, no CDN.

Every text in the picture is escaped; the result is safe to place in a page as it is.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
LABEL_WIDTH = 220
VALUE_WIDTH = 70
ROW = 26
BAR = 16


def bar_chart_svg(title: str, bars: Sequence[tuple[str, int]]) -> SafeString:
    """One bar per (label, value); bar lengths proportional to the largest value."""
    if not bars:
        return mark_safe('<p class="muted">本年度无数据。</p>')
    largest = max(value for _, value in bars) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = ROW * len(bars) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for index, (label, value) in enumerate(bars):
        y = 4 + index * ROW
        length = round(span * value / largest) if value > 0 else 0
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR - 3}" text-anchor="end" '
            f'font-size="13">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR}" fill="#2f6f9f">'
            f"<title>{escape(label)}：{value}</title></rect>"
            f'<text x="{LABEL_WIDTH + length + 6}" y="{y + BAR - 3}" font-size="13">{value}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
