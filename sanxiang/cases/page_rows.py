"""The case page's two longest tables, 全过程记录 and 文书, drawn in Python (issue #13).

A case page draws one row per ledger event and one per document version; through the template
engine each row costs a dozen variable look-ups, filters and ``{% url %}`` tags. These functions
write the same HTML (every value escaped as the template's autoescape would, dates in the
current time zone as the ``date`` filter prints them) and the template inserts it.
``tests/cases/test_page_rows_html.py`` compares both ways byte for byte."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from sanxiang.cases.page_forms import as_template_text as _e
from sanxiang.core.beijing import beijing

_MARK = 987654321


class _IntUrl:
    """``reverse(name, args)`` for many values of its integer arguments (``None`` in ``args``):
    reversed once with marker numbers that the values then replace. An ``<int:…>`` argument goes
    into the path as ``str(value)``, so this is what ``reverse`` (and ``{% url %}``) answers —
    unless a marker also appears elsewhere in the path, when each call reverses again."""

    def __init__(self, name: str, *args: Any) -> None:
        self.name, self.args = name, args
        marks = [str(_MARK + i) if a is None else a for i, a in enumerate(args)]
        url = reverse(name, args=marks)
        self.pieces: list[str] | None = []
        for i, a in enumerate(args):
            if a is None:
                head, sep, url = url.partition(str(_MARK + i))
                if not sep or str(_MARK + i) in url or str(_MARK + i) in head:
                    self.pieces = None
                    break
                self.pieces.append(head)
        if self.pieces is not None:
            self.pieces.append(url)

    def __call__(self, *values: int) -> str:
        if self.pieces is None:
            given = iter(values)
            return reverse(self.name, args=[next(given) if a is None else a for a in self.args])
        return (
            "".join(p + str(v) for p, v in zip(self.pieces, values, strict=False)) + self.pieces[-1]
        )


def _moment(value: datetime | None, *, seconds: bool = False) -> str:
    """``value|date:"Y-m-d H:i"`` (``…:s`` with ``seconds``) in the current time zone ("" for
    none, as the filter)."""
    if not value:
        return ""
    t = beijing(value) if timezone.is_aware(value) else value
    text = f"{t.year:04d}-{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d}"
    return f"{text}:{t.second:02d}" if seconds else text


def timeline_html(rows: list[dict[str, Any]]) -> SafeString:
    """The 全过程记录 table's rows (``views._timeline``)."""
    return mark_safe(  # noqa: S308 - every value below is escaped or a date
        "".join(
            f"<tr><td>{_moment(row['entry'].recorded_at, seconds=True)}</td>"
            f"<td>{_e(row['label'])}</td>"
            f"<td>{_e(row['who'])}</td><td>{_e(row['entry'].sequence)}</td></tr>"
            for row in rows
        )
    )


def _signature_html(case_pk: int, row: dict[str, Any], urls: dict[str, _IntUrl]) -> str:
    d = row["document"]
    sig = row["party_signature"]
    if sig and sig.outcome == "signed":
        url = urls["image"](sig.pk)
        inner = (
            f"<strong>当事人已签名</strong> {_moment(sig.recorded_at)} · "
            f'<a href="{_e(url)}">查看签名</a>'
        )
    elif sig:
        who = f"见证人：{_e(sig.witness_name)}" if sig.witness_name else "录音录像记录"
        inner = f"<strong>当事人拒绝签名</strong>（{who}）"
    else:
        inner = '<span class="muted">未签名</span>'
        if row["may_sign"]:
            url = urls["sign"](case_pk, d.pk)
            inner += f' · <a href="{_e(url)}">当事人签名</a>'
    return f'<br><small class="party-signature" id="party-signature-{_e(d.pk)}">{inner}</small>'


def documents_html(case_pk: int, rows: list[dict[str, Any]]) -> SafeString:
    """The 文书 table's rows (``views._document_rows``), or the line saying there are none."""
    if not rows:
        return SafeString('<tr><td colspan="5">尚未生成文书。</td></tr>')
    urls = {
        "image": _IntUrl("cases:party-signature-image", None),
        "sign": _IntUrl("cases:party-sign", None, None),
        "pdf": _IntUrl("cases:document", None, "pdf"),
        "docx": _IntUrl("cases:document", None, "docx"),
    }
    parts = []
    for row in rows:
        d = row["document"]
        signature = _signature_html(case_pk, row, urls) if row["signable"] else ""
        converting = "" if d.pdf_sha256 else ' <small class="muted">（正在转换）</small>'
        pdf = _e(urls["pdf"](d.pk))
        docx = _e(urls["docx"](d.pk))
        verify = _e(reverse("portal:document-verify", args=[d.verification_code]))
        parts.append(
            f"\n    <tr><td>{_e(row['label'])}{signature}</td><td>v{_e(d.version)}</td>"
            f"<td>{_moment(d.created_at)}</td>\n"
            f'      <td><a href="{pdf}">PDF</a>{converting} · <a href="{docx}">Word</a></td>\n'
            f'      <td><a href="{verify}">{_e(d.verification_code)}</a></td></tr>\n  '
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or a date
