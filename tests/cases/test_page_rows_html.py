"""The case page's 文书 and 全过程记录 rows are written in Python (``page_rows``, issue #13): their
HTML must be what the template's loops drew, for every branch, with characters to escape, and
for no rows at all. The loops below are the template's own, as they were before the move."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import timezone

from sanxiang.cases.page_rows import documents_html, timeline_html

TIMELINE_LOOP = (
    '{% for row in timeline %}<tr><td>{{ row.entry.recorded_at|date:"Y-m-d H:i:s" }}</td>'
    "<td>{{ row.label }}</td><td>{{ row.who }}</td><td>{{ row.entry.sequence }}</td></tr>"
    "{% endfor %}"
)
DOCUMENTS_LOOP = """{% for row in documents %}{% with d=row.document %}
    <tr><td>{{ row.label }}{% if row.signable %}{% with sig=row.party_signature %}<br><small class="party-signature" id="party-signature-{{ d.pk }}">{% if sig.outcome == "signed" %}<strong>当事人已签名</strong> {{ sig.recorded_at|date:"Y-m-d H:i" }} · <a href="{% url 'cases:party-signature-image' sig.pk %}">查看签名</a>{% elif sig %}<strong>当事人拒绝签名</strong>（{% if sig.witness_name %}见证人：{{ sig.witness_name }}{% else %}录音录像记录{% endif %}）{% else %}<span class="muted">未签名</span>{% if row.may_sign %} · <a href="{% url 'cases:party-sign' case.pk d.pk %}">当事人签名</a>{% endif %}{% endif %}</small>{% endwith %}{% endif %}</td><td>v{{ d.version }}</td><td>{{ d.created_at|date:"Y-m-d H:i" }}</td>
      <td><a href="{% url 'cases:document' d.pk 'pdf' %}">PDF</a>{% if not d.pdf_sha256 %} <small class="muted">（正在转换）</small>{% endif %} · <a href="{% url 'cases:document' d.pk 'docx' %}">Word</a></td>
      <td><a href="{% url 'portal:document-verify' d.verification_code %}">{{ d.verification_code }}</a></td></tr>{% endwith %}
  {% empty %}<tr><td colspan="5">尚未生成文书。</td></tr>{% endfor %}"""  # noqa: E501

ODD = "<b>\"甲\" & '乙'</b>"


def _when(hours: int):
    """A moment on the pinned day (UTC), some of them past midnight in Beijing."""
    return timezone.now().replace(hour=0, minute=7, second=9, microsecond=0) + timedelta(
        hours=hours
    )


def _document(pk, *, sha="ab12", code="K7Q2-9XZ4"):
    return SimpleNamespace(
        pk=pk, version=pk % 3 + 1, created_at=_when(pk), pdf_sha256=sha, verification_code=code
    )


def _row(document, *, label="行政处罚决定书", signable=False, signature=None, may_sign=False):
    return {
        "document": document,
        "label": label,
        "signable": signable,
        "party_signature": signature,
        "may_sign": may_sign,
    }


def _template(loop, **context):
    return Template(loop).render(Context(context))


def test_the_timeline_rows_are_the_templates():
    rows = [
        {"entry": SimpleNamespace(recorded_at=_when(h), sequence=40 + h), "label": lab, "who": who}
        for h, lab, who in [(1, "立案", "张三"), (17, ODD, ODD), (23, "送达", "系统")]
    ]
    ours = timeline_html(rows)
    assert ours == _template(TIMELINE_LOOP, timeline=rows)
    assert "&lt;b&gt;&quot;甲&quot; &amp; &#x27;乙&#x27;&lt;/b&gt;" in ours
    assert timeline_html([]) == _template(TIMELINE_LOOP, timeline=[]) == ""


@pytest.mark.parametrize("case_pk", [7, 123456])
def test_the_document_rows_are_the_templates_in_every_branch(case_pk):
    signed = SimpleNamespace(pk=5, outcome="signed", recorded_at=_when(17), witness_name="")
    refused_witnessed = SimpleNamespace(pk=6, outcome="refused", witness_name=ODD)
    refused_on_video = SimpleNamespace(pk=8, outcome="refused", witness_name="")
    rows = [
        _row(_document(1)),  # not signed by the party
        _row(_document(2, sha=""), label=ODD),  # PDF still converting
        _row(_document(3), signable=True, signature=signed),
        _row(_document(4), signable=True, signature=refused_witnessed),
        _row(_document(10), signable=True, signature=refused_on_video),
        _row(_document(11), signable=True, may_sign=True),  # unsigned, the latest version
        _row(_document(12), signable=True),  # unsigned, an older version or a closed case
        _row(_document(13, code="<码> \"甲\" & '乙' ?#%")),
    ]
    case = SimpleNamespace(pk=case_pk)
    ours = documents_html(case_pk, rows)
    assert ours == _template(DOCUMENTS_LOOP, case=case, documents=rows)
    for shown in ["当事人已签名", "当事人拒绝签名", "见证人：&lt;b&gt;", "录音录像记录", "未签名",
                  "当事人签名</a>", "（正在转换）"]:  # fmt: skip
        assert shown in ours
    nothing = documents_html(case_pk, [])
    assert nothing == _template(DOCUMENTS_LOOP, case=case, documents=[])
    assert "尚未生成文书" in nothing
