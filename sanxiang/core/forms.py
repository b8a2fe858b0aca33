"""How every form of the office and the portal is drawn: one form template and one field template.

``FORM_RENDERER`` (settings) names ``SanxiangFormRenderer``; a template that writes ``{{ form }}``
gets labels beside their inputs on a wide screen and above them on a phone, required fields
marked with * (read out as 必填), help text under the field, errors next to the field (linked by
``aria-describedby``, which Django 5.2 adds) and a summary of them at the top linking to each.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates


class SanxiangFormRenderer(DjangoTemplates):
    form_template_name = "sanxiang/forms/form.html"
    field_template_name = "sanxiang/forms/field.html"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (``accept`` hints the browser's file chooser; the services
    check the bytes)."""

    def __init__(self, *args: Any, accept: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept} if accept else {}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []
