"""How every form of the office and the portal is drawn: one form template and one field template.

``FORM_RENDERER`` (settings) names ``SanxiangFormRenderer``; a template that writes ``{{ form }}``
gets labels beside their inputs on a wide screen and above them on a phone, required fields
marked with * (read out as 必填), help text under the field, errors next to the field (linked by
``aria-describedby``, which Django 5.2 adds) and a summary of them at the top linking to each.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates


class SanxiangFormRenderer(DjangoTemplates):
    form_template_name = "sanxiang/forms/form.html"
    field_template_name = "sanxiang/forms/field.html"
