"""The case page's forms (拟处理意见, 延长办案期限, and in the 执行 section 缴款, 暂缓或者分期,
复议诉讼, 履行, 强制执行 and 申请人民法院强制执行), drawn by the shared renderer
(core/forms.py) like every other form: labels, required marks and help text in one place. They
only draw the fields; the views read the POST as before and the services check it (their
refusals come back beside the section)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe

from sanxiang.cases.models import (
    Case,
    ExecutionStepKind,
    PaymentChannel,
    PenaltyKind,
    RemedyKind,
    RemedyOutcome,
    ReviewFlag,
    ScheduleKind,
)
from sanxiang.core.forms import SanxiangFormRenderer

COURT_STEPS = (
    ExecutionStepKind.COURT_GRANTED,
    ExecutionStepKind.COURT_REFUSED,
    ExecutionStepKind.COURT_ENFORCED,
)


def _day(**attrs: Any) -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d")


def _yuan() -> forms.TextInput:
    return forms.TextInput(attrs={"inputmode": "decimal"})


def _yes() -> forms.CheckboxInput:
    return forms.CheckboxInput(attrs={"value": "yes"})


def _attrs_html(attrs: dict[str, Any]) -> str:
    return "".join(
        f" {conditional_escape(name)}"
        + ("" if value is True else f'="{conditional_escape(str(value))}"')
        for name, value in attrs.items()
        if value is not False
    )


_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in [
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "file",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    ]
)
_REQUIRED_MARK = (
    '<span class="required-mark" aria-hidden="true">*</span>'
    '<span class="visually-hidden">（必填）</span>'
)


def as_template_text(value: Any) -> str:
    """A value as ``{{ value }}`` writes it: made a string, then escaped unless safe."""
    return conditional_escape(value if isinstance(value, str) else str(value))


_e = as_template_text


def _input_html(widget: dict[str, Any]) -> str:
    """Django's ``input.html`` (with ``attrs.html``) as included by the templates above."""
    value = widget["value"]
    return (
        f'<input type="{_e(widget["type"])}" name="{_e(widget["name"])}"'
        + (
            f' value="{_e(value if isinstance(value, SafeData) else f"{value}")}"'
            if value is not None
            else ""
        )
        + f"{_attrs_html(widget['attrs'])}>"
    )


def _textarea_html(widget: dict[str, Any]) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{_e(widget["name"])}"{_attrs_html(widget["attrs"])}>\n'
        f"{_e(value) if value else ''}</textarea>"
    )


def _field_html(field: Any) -> str:
    """``sanxiang/forms/field.html`` written in Python, byte for byte."""
    errors = field.errors
    auto_id = field.auto_id
    required = _REQUIRED_MARK if field.field.required else ""
    error_html = (
        '<ul class="errorlist field-errors"'
        + (f' id="{_e(auto_id)}_error"' if auto_id else "")
        + ">"
        + "".join(f"<li>{_e(e)}</li>" for e in errors)
        + "</ul>"
        if errors
        else ""
    )
    help_text = field.help_text
    help_html = (
        '<div class="helptext muted"'
        + (f' id="{_e(auto_id)}_helptext"' if auto_id else "")
        + f">{_e(help_text)}</div>"
        if help_text
        else ""
    )
    label = _e(field.label)
    if field.widget_type == "checkbox":
        return (
            f'<div class="field field-check{" has-error" if errors else ""}">\n'
            '<span class="field-label"></span><div class="field-input">\n'
            f'  <label class="check-label">{_e(field)} {label}{required}</label>\n'
            f"  {error_html}\n  {help_html}\n</div></div>"
        )
    html = (
        f'<div class="field{" has-error" if errors else ""}'
        f'{" is-required" if field.field.required else ""}">\n'
    )
    fieldset = field.use_fieldset
    if fieldset:
        described = field.aria_describedby
        html += (
            '<fieldset class="field-set"'
            + (f' aria-describedby="{_e(described)}"' if described else "")
            + f'>\n  <legend class="field-label">{label}{required}</legend>\n'
        )
    else:
        for_id = field.id_for_label
        html += (
            '<label class="field-label"'
            + (f' for="{_e(for_id)}"' if for_id else "")
            + f">{label}{required}</label>\n"
        )
    return (
        html
        + f'<div class="field-input">\n  {_e(field)}\n  {error_html}\n  {help_html}\n</div>\n'
        + ("</fieldset>" if fieldset else "")
        + "</div>"
    )


class PageRenderer(SanxiangFormRenderer):
    """The shared renderer, with its field template and Django's plain input and textarea
    templates written in Python (ending, as Django's renderer strips them, without the templates'
    last newline): the same HTML at a fraction of the template engine's cost
    (about 10 fields and 8 widgets on an open case's page, issue #13). Any other template, or a
    context it does not expect, goes to the templates as before.
    ``tests/cases/test_page_forms_html.py`` compares both ways byte for byte."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if request is None and len(context) == 1:
            if template_name == self.field_template_name and "field" in context:
                return _field_html(context["field"])
            if "widget" in context:
                if template_name in _INPUT_TEMPLATES:
                    return _input_html(context["widget"])
                if template_name == "django/forms/widgets/textarea.html":
                    return _textarea_html(context["widget"])
        return super().render(template_name, context, request)


PAGE_RENDERER = PageRenderer()


class _Checkboxes(forms.CheckboxSelectMultiple):
    """Django's checkbox list, the same HTML, written in Python rather than through three
    template includes per box (``input_option.html``, ``input.html``, ``attrs.html``): the
    拟处理意见's 17 boxes drawn that way cost about 2 ms of every open case's page (issue #13).
    Choices in groups are left to Django's templates. ``tests/cases/test_page_forms_html.py``
    checks the HTML against Django's own widget."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        context = self.get_context(name, value, attrs)["widget"]
        groups = context["optgroups"]
        if any(group for group, _, _ in groups):
            return super().render(name, value, attrs, renderer)
        boxes = []
        for _, options, _ in groups:
            for option in options:
                field = (
                    f'<input type="{conditional_escape(option["type"])}"'
                    f' name="{conditional_escape(option["name"])}"'
                    + (
                        f' value="{conditional_escape(str(option["value"]))}"'
                        if option["value"] is not None
                        else ""
                    )
                    + f"{_attrs_html(option['attrs'])}>\n"
                )
                if option["wrap_label"]:
                    label_for = option["attrs"].get("id")
                    field = (
                        "<label"
                        + (f' for="{conditional_escape(label_for)}"' if label_for else "")
                        + f">{field} {conditional_escape(option['label'])}</label>\n"
                    )
                boxes.append(f"<div>\n    {field}\n</div>")
        own = context["attrs"]
        opening = "<div" + (f' id="{conditional_escape(own["id"])}"' if own.get("id") else "")
        if own.get("class"):
            opening += f' class="{conditional_escape(own["class"])}"'
        return mark_safe(f"{opening}>{''.join(boxes)}\n</div>")  # noqa: S308 - escaped above


class AssessmentForm(forms.Form):
    """拟处理意见. ``discretion_help`` is the applicable tier in words when the case has a
    违法行为 of a 裁量基准: only then is there a tier to be outside of, and a reasons field."""

    default_renderer = PAGE_RENDERER

    facts = forms.CharField(
        label="违法事实", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    violation_place = forms.CharField(label="违法行为地点", max_length=200, required=False)
    penalty_kinds = forms.MultipleChoiceField(
        label="拟作出的处罚种类（行政处罚法第九条）",
        choices=PenaltyKind.choices,
        required=False,
        widget=_Checkboxes,
    )
    fine_yuan = forms.CharField(label="罚款金额（元）", required=False, widget=_yuan())
    amount_involved_yuan = forms.CharField(label="涉案金额（元）", required=False, widget=_yuan())
    discretion_reasons = forms.CharField(
        label="超出适用阶次的理由",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    hearing_right = forms.BooleanField(
        label="拟作出的处罚属于听证范围（行政处罚法第六十三条）", required=False, widget=_yes()
    )
    complex_or_major = forms.BooleanField(
        label="情节复杂或者重大违法行为（须集体讨论）", required=False, widget=_yes()
    )
    review_flags = forms.MultipleChoiceField(
        label="重大执法决定情形（行政处罚法第五十八条）",
        choices=ReviewFlag.choices,
        required=False,
        widget=_Checkboxes,
    )

    def __init__(self, *, case: Case, discretion_help: str | None, data: Any = None) -> None:
        """``data``: what the officer sent, when it was refused (shown as typed, issue #13)."""
        super().__init__(
            data,
            auto_id="assessment_%s",
            initial={
                "facts": case.facts,
                "violation_place": case.violation_place,
                "penalty_kinds": list(case.penalty_kinds),
                "fine_yuan": case.fine_yuan,
                "amount_involved_yuan": case.amount_involved_yuan,
                "discretion_reasons": case.discretion_reasons,
                "hearing_right": case.hearing_right,
                "complex_or_major": case.complex_or_major,
                "review_flags": list(case.review_flags),
            },
        )
        if discretion_help is None:
            del self.fields["discretion_reasons"]
        else:
            self.fields["discretion_reasons"].help_text = discretion_help


class CourtApplicationForm(forms.Form):
    """申请人民法院强制执行 (行政强制法第五十三条), inside its step's button form."""

    default_renderer = PAGE_RENDERER

    court = forms.CharField(label="人民法院", max_length=200)
    reference = forms.CharField(label="申请书文号", max_length=100, required=False)

    def __init__(self) -> None:
        super().__init__(auto_id="court_apply_%s")


class ExtensionForm(forms.Form):
    default_renderer = PAGE_RENDERER
    days = forms.IntegerField(
        label="延长日数", min_value=1, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    reason = forms.CharField(label="理由", max_length=500)
    collective = forms.BooleanField(
        label="经负责人集体讨论决定",
        required=False,
        widget=forms.CheckboxInput(attrs={"value": "yes"}),
    )


class PaymentForm(forms.Form):
    default_renderer = PAGE_RENDERER
    paid_on = forms.DateField(label="缴款日期", widget=_day())
    amount = forms.CharField(label="金额（元）", widget=_yuan())
    channel = forms.ChoiceField(label="渠道", choices=PaymentChannel.choices)
    receipt_number = forms.CharField(label="缴款凭证或票据号码", max_length=64)
    on_spot_reason = forms.CharField(
        label="当场收缴超过一百元的情形",
        max_length=200,
        required=False,
        help_text="行政处罚法第六十八条第二项、第六十九条",
    )

    def __init__(self, *, today: date, on_spot: bool) -> None:
        super().__init__(initial={"paid_on": today}, auto_id="payment_%s")
        if not on_spot:
            del self.fields["on_spot_reason"]


class ScheduleForm(forms.Form):
    default_renderer = PAGE_RENDERER
    kind = forms.ChoiceField(label="方式", choices=ScheduleKind.choices)
    applied_on = forms.DateField(label="当事人申请日期", widget=_day())
    reason = forms.CharField(label="经济困难情况", widget=forms.Textarea(attrs={"rows": 2}))
    instalments = forms.CharField(
        label="缴纳期限和金额",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一期，例如 2026-07-01 500.00；合计应等于罚款",
    )


class RemedyForm(forms.Form):
    default_renderer = PAGE_RENDERER
    kind = forms.ChoiceField(label="途径", choices=RemedyKind.choices)
    filed_on = forms.DateField(label="申请或者起诉日期", widget=_day())
    body = forms.CharField(label="复议机关或者人民法院", max_length=200)
    reference = forms.CharField(label="案号", max_length=100, required=False)


class RemedyStepForm(forms.Form):
    """What came of one 复议 or 诉讼 (a row of the table)."""

    default_renderer = PAGE_RENDERER

    kind = forms.ChoiceField(
        label="登记事项",
        choices=[("outcome", "复议决定或者裁判"), ("suspension", "决定停止执行")],
    )
    outcome = forms.ChoiceField(
        label="结果", choices=[("", "（停止执行不选）"), *RemedyOutcome.choices], required=False
    )
    decided_on = forms.DateField(label="日期", widget=_day())
    changed_fine = forms.CharField(
        label="变更后的罚款（元）", required=False, widget=_yuan(), help_text="罚款变更时填写"
    )

    def __init__(self, *, remedy_id: int) -> None:
        super().__init__(auto_id=f"remedy{remedy_id}_%s")


class PerformanceForm(forms.Form):
    default_renderer = PAGE_RENDERER
    kind = forms.CharField(widget=forms.HiddenInput, initial=ExecutionStepKind.PERFORMED.value)
    occurred_on = forms.DateField(label="履行日期", widget=_day())
    note = forms.CharField(label="履行情况", max_length=500)

    def __init__(self, *, today: date) -> None:
        super().__init__(initial={"occurred_on": today}, auto_id="performance_%s")


class CourtStepForm(forms.Form):
    default_renderer = PAGE_RENDERER
    kind = forms.ChoiceField(label="事项", choices=[(k.value, k.label) for k in COURT_STEPS])
    occurred_on = forms.DateField(label="日期", widget=_day())
    reference = forms.CharField(label="裁定书文号", max_length=100, required=False)
    note = forms.CharField(label="情况", max_length=500, required=False)
