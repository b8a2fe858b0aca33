"""执法流程图 drawn from the declared procedures, as SVG (pure; no layout engine needed).

The main line of a procedure runs down the left; outcomes that leave it (不予立案, 撤案 …) stand
on the right. Under each step: the actions that leave it, who takes them, the law, what each
records (numbers, dates, clocks, follow-up cases) and the time limit of the step it leads to.
Because the chart is drawn from the declarations that the services enforce, the published chart
cannot disagree with the system.
"""

from __future__ import annotations

from html import escape

from sanxiang.cases.workflow.engine import ProcedureDefinition, Transition, subprocess

_WIDTH, _MAIN_W, _SIDE_W, _LINE, _PAD = 880, 520, 300, 17, 10
_FONT = 11.5
_ROLE_NAMES = {
    "officer": "执法人员",
    "head": "负责人",
    "reviewer": "法制审核人员",
    "legal_adviser": "法律顾问",
    "supervisor": "监督人员",
    "administrator": "系统管理员",
}


def main_line(definition: ProcedureDefinition) -> list[str]:
    """States along the first-declared path from the initial state (out of a composite
    state, also the steps that leave it from one of its sub-states)."""
    line, state = [definition.initial], definition.initial
    while True:
        step = next((t for t in definition.leaves(state) if t.target not in line), None)
        if step is None:
            return line
        line.append(step.target)
        state = step.target


def describe(transition: Transition) -> str:
    """One line: action, who, basis, what it records, time limit."""
    return "".join(_describe_parts(transition))


def _describe_parts(transition: Transition) -> list[str]:
    who = "、".join(_ROLE_NAMES.get(role, role) for role in sorted(transition.roles))
    parts = [f"→ {transition.label}（{who}）"]
    if transition.basis:
        parts.append(f" 依据：{transition.basis}")
    if transition.effects:
        parts.append(f"；办理：{effects_text(transition)}")
    if transition.deadline:
        parts.append(f"；期限：{transition.deadline}")
    return parts


def effects_text(transition: Transition) -> str:
    """What the step does besides moving the case on, as declared (``Transition.effects``)."""
    return "、".join(effect.describe() for effect in transition.effects)


def _wrap(text: str, width: int) -> list[str]:
    """Break ``text`` into lines that fit ``width`` pixels (CJK glyphs count as a full em)."""
    lines, current, used = [], "", 0.0
    for char in text:
        advance = _FONT if ord(char) > 0x2E7F else _FONT * 0.55
        if used + advance > width and current:
            lines.append(current)
            current, used = "  ", _FONT * 0.55 * 2
        current += char
        used += advance
    lines.append(current)
    return lines


def _lines(
    transitions: list[Transition], width: int, *, when: dict[str, str] | None = None
) -> list[str]:
    """Each transition described; ``when`` (sub-state -> label) names, for a step out of a
    composite state, the sub-state it leaves from (e.g. 〔审核通过后〕)."""
    out: list[str] = []
    for transition in transitions:
        first, *rest = _describe_parts(transition)
        subs = [when[s] for s in sorted(transition.source) if when and s in when]
        if subs:
            first = f"〔{'或'.join(subs)}后〕" + first
        out += _wrap(first, width)
        for part in rest:
            out += _wrap("    " + part.lstrip(" ；"), width)
    return out


def _box(x: int, y: int, w: int, title: str, lines: list[str], *, accent: str) -> tuple[str, int]:
    height = 30 + len(lines) * _LINE + _PAD
    parts = [
        f'<rect x="{x}" y="{y}" width="{w}" height="{height}" rx="6" fill="#fff" '
        f'stroke="{accent}" stroke-width="1.5"/>',
        f'<text x="{x + _PAD}" y="{y + 20}" font-size="15" font-weight="700" fill="{accent}">'
        f"{escape(title)}</text>",
    ]
    for index, line in enumerate(lines):
        parts.append(
            f'<text x="{x + _PAD}" y="{y + 38 + index * _LINE}" font-size="11.5" fill="#333">'
            f"{escape(line)}</text>"
        )
    return "".join(parts), height


def _composite_box(
    x: int, y: int, w: int, definition: ProcedureDefinition, state: str
) -> tuple[str, int] | None:
    """A composite state drawn with its sub-process inside (a sub-chart: each sub-state with
    the sub-process's steps out of it), then the steps that leave the composite state."""
    found = subprocess(definition.composite.get(state, ""))
    if found is None:
        return None
    inner = found.definition
    accent, inner_accent = "#a4161a", "#1d4e89"
    title = f"{definition.states[state]}（子流程：{inner.label}）"
    parts: list[str] = []
    inner_y = y + 32
    ordered = main_line(inner) + [s for s in inner.states if s not in main_line(inner)]
    for sub in ordered:
        lines = _lines([t for t in inner.transitions if sub in t.source], w - 4 * _PAD)
        if not lines:
            lines = ["（子流程结束）"] if sub in inner.terminal else []
        box, height = _box(x + _PAD, inner_y, w - 2 * _PAD, inner.states[sub], lines,
                           accent=inner_accent)  # fmt: skip
        parts.append(box)
        inner_y += height + 8
    when = {f"{state}.{sub}": label for sub, label in inner.states.items()}
    lines = _lines(definition.leaves(state), w - 2 * _PAD, when=when)
    for index, line in enumerate(lines):
        parts.append(
            f'<text x="{x + _PAD}" y="{inner_y + 12 + index * _LINE}" font-size="11.5" '
            f'fill="#333">{escape(line)}</text>'
        )
    height = inner_y - y + len(lines) * _LINE + _PAD + 4
    frame = (
        f'<rect x="{x}" y="{y}" width="{w}" height="{height}" rx="6" fill="#fff" '
        f'stroke="{accent}" stroke-width="1.5"/>'
        f'<text x="{x + _PAD}" y="{y + 20}" font-size="15" font-weight="700" fill="{accent}">'
        f"{escape(title)}</text>"
    )
    return frame + "".join(parts), height


def render_svg(definition: ProcedureDefinition) -> str:
    """The procedure as a standalone SVG document (UTF-8 text)."""
    line = main_line(definition)
    branches = [state for state in definition.states if state not in line]
    parts: list[str] = []
    y, centres = 50, {}
    for state in line:
        composite = _composite_box(20, y, _MAIN_W, definition, state)
        if composite is not None:
            box, height = composite
        else:
            outgoing = [t for t in definition.transitions if state in t.source]
            lines = _lines(outgoing, _MAIN_W - 2 * _PAD)
            box, height = _box(20, y, _MAIN_W, definition.states[state], lines, accent="#a4161a")
        parts.append(box)
        centres[state] = (y, height)
        y += height + 28
        if state != line[-1]:
            parts.append(
                f'<line x1="120" y1="{y - 28}" x2="120" y2="{y - 4}" stroke="#a4161a" '
                'stroke-width="1.5" marker-end="url(#arrow)"/>'
            )
    right_y = 50
    for state in branches:
        width = _SIDE_W - 2 * _PAD
        lines = [
            line
            for t in definition.transitions
            if t.target == state
            for line in _wrap(f"由“{t.label}”进入", width)
        ]
        lines += _lines([t for t in definition.transitions if state in t.source], width)
        x = _WIDTH - _SIDE_W - 20
        box, height = _box(x, right_y, _SIDE_W, definition.states[state], lines, accent="#5b6470")
        parts.append(box)
        right_y += height + 20
    total = max(y, right_y) + 20
    title = escape(definition.label)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {total}" width="{_WIDTH}" '
        f'height="{total}" role="img" aria-label="{title}执法流程图" '
        'font-family="Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif">'
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#a4161a"/>'
        "</marker></defs>"
        f'<text x="20" y="28" font-size="18" font-weight="700">{title} 执法流程图</text>'
        + "".join(parts)
        + "</svg>"
    )
