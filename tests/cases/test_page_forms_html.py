"""The 拟处理意见's checkbox lists are written in Python (``page_forms._Checkboxes``, issue #13:
three template includes per box were ~2 ms of an open case's page): their HTML must stay Django's
own, whatever is ticked, with or without an id, and with characters to escape."""

from __future__ import annotations

import pytest
from django import forms
from django.utils import timezone
from django.utils.safestring import mark_safe

from sanxiang.cases.forms import BasisForm
from sanxiang.cases.models import Case, PenaltyKind, ReviewFlag
from sanxiang.cases.page_forms import (
    PAGE_RENDERER,
    AssessmentForm,
    CourtApplicationForm,
    CourtStepForm,
    ExtensionForm,
    PaymentForm,
    PerformanceForm,
    RemedyForm,
    RemedyStepForm,
    ScheduleForm,
    _Checkboxes,
)
from sanxiang.core.forms import SanxiangFormRenderer


@pytest.mark.parametrize("choices", [PenaltyKind.choices, ReviewFlag.choices])
@pytest.mark.parametrize(
    "attrs", [None, {"id": "assessment_kinds"}, {"id": "k", "class": 'a<"b', 'data-"x': "1"}]
)
def test_the_checkbox_lists_are_drawn_as_djangos_widget_draws_them(choices, attrs):
    ticked = [choices[0][0], choices[-1][0]]
    for value in ([], ticked, None):
        ours = _Checkboxes(choices=choices).render("kinds", value, attrs)
        django_own = forms.CheckboxSelectMultiple(choices=choices).render("kinds", value, attrs)
        assert ours == django_own
    odd = [("<x>", '标签 "一" & <二>'), ("y", "乙")]
    ours = _Checkboxes(choices=odd).render("kinds", ["<x>"], {"id": "odd"})
    assert ours == forms.CheckboxSelectMultiple(choices=odd).render("kinds", ["<x>"], {"id": "odd"})
    assert "&lt;二&gt;" in ours and 'value="&lt;x&gt;"' in ours and " checked" in ours


# The case page's forms go through ``page_forms.PageRenderer``: the shared field template and
# Django's input and textarea templates written in Python. Each must give the templates' HTML.


def _both_ways(make):
    ours, templates = make(), make()
    assert ours.renderer is PAGE_RENDERER
    templates.renderer = SanxiangFormRenderer()
    return str(ours), str(templates)


class _Odd(forms.Form):
    """Every shape of field the field template knows, with characters to escape everywhere."""

    text = forms.CharField(
        label='名称 <b>"甲" & 乙</b>', max_length=3, help_text="<i>提示</i> & 说明"
    )
    safe_help = forms.CharField(required=False, help_text=mark_safe("见<a href='#x'>第三条</a>"))
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    count = forms.IntegerField(
        min_value=1, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    mail = forms.EmailField(required=False)
    agree = forms.BooleanField(label="同意 <承诺>", help_text="必须 & 勾选")
    flag = forms.BooleanField(required=False, widget=forms.CheckboxInput(attrs={"value": "yes"}))
    kind = forms.ChoiceField(choices=[("a", "甲 <1>"), ("b", "乙")], widget=forms.RadioSelect)
    pick = forms.ChoiceField(choices=[("", "请选择"), ("x", "X & Y")], required=False)
    secret = forms.CharField(required=False, widget=forms.HiddenInput)
    upload = forms.FileField(required=False)
    again = forms.CharField(required=False, show_hidden_initial=True, initial='初 "值"')

    default_renderer = PAGE_RENDERER


ODD_DATA = {
    "text": '<script>alert("x")</script>',
    "note": "</textarea><script>1</script>\n第二行 & 'x'",
    "count": "0",
    "day": "2026-13-40",
    "mail": 'a"b',
    "flag": "yes",
    "kind": "<z>",
    "pick": "x",
    "secret": '"><b>',
    "again": "<新>",
}


@pytest.mark.parametrize("data", [None, ODD_DATA, {}])
@pytest.mark.parametrize("auto_id", ["id_%s", "odd_%s", False])
def test_every_shape_of_field_is_drawn_as_the_templates_draw_it(data, auto_id, monkeypatch):
    ours, templates = _both_ways(lambda: _Odd(data, auto_id=auto_id))
    assert ours == templates
    asked: list[str] = []
    get_template = SanxiangFormRenderer.get_template

    def asking(self, name):
        asked.append(name)
        return get_template(self, name)

    monkeypatch.setattr(SanxiangFormRenderer, "get_template", asking)
    assert str(_Odd(data, auto_id=auto_id)) == ours
    # Only the form, the radio buttons and the select still go through templates.
    assert "sanxiang/forms/field.html" not in asked
    assert "django/forms/widgets/text.html" not in asked and "sanxiang/forms/form.html" in asked
    assert "django/forms/widgets/textarea.html" not in asked
    if data:
        assert "&lt;script&gt;" in ours and "<script>" not in ours
        assert "&lt;/textarea&gt;" in ours and "has-error" in ours
        assert "<a href='#x'>第三条</a>" in ours  # safe help text stays as written


@pytest.mark.django_db
def test_the_case_pages_forms_are_drawn_as_the_templates_draw_them():
    today = timezone.localdate()
    case = Case(
        facts='事实 <b>"一"</b> & 二',
        violation_place="</textarea>",
        penalty_kinds=["warning"],
        fine_yuan="1.5<",
        review_flags=[],
        hearing_right=True,
    )
    makers = [
        lambda: AssessmentForm(case=case, discretion_help=None),
        lambda: AssessmentForm(case=case, discretion_help="适用 <第二阶次>"),
        lambda: AssessmentForm(case=case, discretion_help="x", data={"fine_yuan": "<1>"}),
        CourtApplicationForm,
        lambda: ExtensionForm(auto_id="extension_%s"),
        lambda: ExtensionForm({"days": "-1", "reason": "<r>"}, auto_id="extension_%s"),
        lambda: PaymentForm(today=today, on_spot=True),
        lambda: PaymentForm(today=today, on_spot=False),
        lambda: ScheduleForm(auto_id="schedule_%s"),
        lambda: RemedyForm(auto_id="remedy_%s"),
        lambda: RemedyStepForm(remedy_id=7),
        lambda: PerformanceForm(today=today),
        lambda: CourtStepForm(auto_id="court_%s"),
        lambda: BasisForm({"violated": ["x<"], "penalty": []}),
    ]
    for make in makers:
        ours, templates = _both_ways(make)
        assert ours == templates, make


def _form_with(widget: type[forms.CheckboxSelectMultiple]) -> type[forms.Form]:
    class Kinds(forms.Form):
        kinds = forms.MultipleChoiceField(
            label="处罚种类", choices=PenaltyKind.choices, widget=widget, help_text="可多选"
        )
        flags = forms.MultipleChoiceField(
            label="情形", choices=ReviewFlag.choices, widget=widget, required=False, disabled=True
        )
        note = forms.CharField(label="说明", required=False)

    return Kinds


@pytest.mark.parametrize(
    "data",
    [
        None,  # unbound
        {},  # bound, the required list empty: its error and aria-invalid
        {"kinds": [PenaltyKind.choices[0][0]], "note": "x"},  # bound, valid
        {"kinds": ["no-such-kind"]},  # bound, an invalid choice
    ],
)
def test_a_whole_form_is_drawn_as_with_djangos_widget_under_the_page_renderer(data):
    # The page's renderer draws the label, help text, errors and the widget's attributes
    # (aria-invalid, aria-describedby, disabled, required) around it: a Django upgrade that
    # changes ``multiple_input.html`` or those attributes shows here.
    ours = _form_with(_Checkboxes)(data, auto_id="f_%s", renderer=SanxiangFormRenderer())
    django_own = _form_with(forms.CheckboxSelectMultiple)(
        data, auto_id="f_%s", renderer=SanxiangFormRenderer()
    )
    assert str(ours) == str(django_own)
    if data == {}:
        assert "aria-invalid" in str(ours) and "可多选" in str(ours) and " disabled" in str(ours)
