"""The 拟处理意见's checkbox lists are written in Python (``page_forms._Checkboxes``, issue #13:
three template includes per box were ~2 ms of an open case's page): their HTML must stay Django's
own, whatever is ticked, with or without an id, and with characters to escape."""

from __future__ import annotations

import pytest
from django import forms

from sanxiang.cases.models import PenaltyKind, ReviewFlag
from sanxiang.cases.page_forms import _Checkboxes
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
