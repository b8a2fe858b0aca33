"""The 拟处理意见's checkbox lists are written in Python (``page_forms._Checkboxes``, issue #13:
three template includes per box were ~2 ms of an open case's page): their HTML must stay Django's
own, whatever is ticked, with or without an id, and with characters to escape."""

from __future__ import annotations

import pytest
from django import forms

from sanxiang.cases.models import PenaltyKind, ReviewFlag
from sanxiang.cases.page_forms import _Checkboxes


@pytest.mark.parametrize("choices", [PenaltyKind.choices, ReviewFlag.choices])
@pytest.mark.parametrize("attrs", [None, {"id": "assessment_kinds"}, {"id": "k", "class": 'a<"b'}])
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
