"""Names instead of codes on pages: ``{{ code|procedure_label }}``,
``{{ action|case_event_label }}``."""

from __future__ import annotations

from django import template

from sanxiang.cases import labels

register = template.Library()


@register.filter
def procedure_label(code: str) -> str:
    """``penalty_general`` → 行政处罚一般程序 ('' for an unknown code)."""
    return labels.procedure_label(code) if code else ""


@register.filter
def case_event_label(action: str) -> str:
    """``cases.case.register`` → the step's name in the declarations."""
    return labels.case_event_label(action) if action else ""


@register.filter
def document_label(kind: str) -> str:
    """询问笔录 for ``inquiry_record``: a document kind's name (the code if unknown)."""
    from sanxiang.cases.documents import KINDS

    return KINDS[kind].label if kind in KINDS else kind
