"""The amounts of the same kind of case as a small box plot, inline SVG drawn on the server."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from sanxiang.similar.selectors import Band

WIDTH = 560
HEIGHT = 104
LEFT, RIGHT = 24, 24
MID = 46


def _yuan(value: Decimal) -> str:
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def band_svg(band: Band, proposed: Decimal | None) -> SafeString:
    """Whiskers min–max, the box Q1–Q3 with the median, the usual band shaded, and the
    proposed amount as a red mark."""
    low = min(band.minimum, proposed) if proposed is not None else band.minimum
    high = max(band.maximum, proposed) if proposed is not None else band.maximum
    span = (high - low) or Decimal(1)

    def x(value: Decimal) -> float:
        return round(LEFT + float((value - low) / span) * (WIDTH - LEFT - RIGHT), 1)

    title = (
        f"同类案件罚款金额分布：最低 {_yuan(band.minimum)} 元，下四分位 {_yuan(band.q1)} 元，"
        f"中位 {_yuan(band.median)} 元，上四分位 {_yuan(band.q3)} 元，最高 {_yuan(band.maximum)} 元"
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart similar-band" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>",
        f'<rect x="{x(band.low)}" y="{MID - 20}" width="{max(x(band.high) - x(band.low), 1)}" '
        f'height="40" fill="#e3eef6"><title>通常范围 {_yuan(band.low)}–{_yuan(band.high)} 元'
        "</title></rect>",
        f'<line x1="{x(band.minimum)}" y1="{MID}" x2="{x(band.maximum)}" y2="{MID}" '
        f'stroke="#555" stroke-width="2"/>',
        f'<rect x="{x(band.q1)}" y="{MID - 12}" width="{max(x(band.q3) - x(band.q1), 1)}" '
        f'height="24" fill="#2f6f9f"/>',
        f'<line x1="{x(band.median)}" y1="{MID - 12}" x2="{x(band.median)}" y2="{MID + 12}" '
        f'stroke="#fff" stroke-width="2"/>',
        f'<text x="{x(band.minimum)}" y="{MID + 38}" font-size="15" text-anchor="start">'
        f"{_yuan(band.minimum)}</text>",
        f'<text x="{x(band.maximum)}" y="{MID + 38}" font-size="15" text-anchor="end">'
        f"{_yuan(band.maximum)}</text>",
    ]
    if proposed is not None:
        px = x(proposed)
        anchor = "start" if px < WIDTH / 2 else "end"
        parts.append(
            f'<line x1="{px}" y1="{MID - 26}" x2="{px}" y2="{MID + 20}" stroke="#b3261e" '
            f'stroke-width="3"/><text x="{px}" y="15" font-size="15" fill="#b3261e" '
            f'text-anchor="{anchor}">拟罚款 {_yuan(proposed)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped or a number
