"""Every form drawn with ``{{ form }}`` gets the office's shared rendering (core/forms.py)."""

from __future__ import annotations

import re

from django import forms


class Sample(forms.Form):
    place = forms.CharField(label="采集地点", help_text="写明门牌号")
    note = forms.CharField(label="说明", required=False)
    agreed = forms.BooleanField(label="已告知当事人", required=False)


def test_a_required_field_is_marked_and_read_out_as_required():
    html = str(Sample())
    label = re.search(r'<label class="field-label" for="id_place">(.*?)</label>', html, re.S)
    assert label, html
    assert '<span class="required-mark" aria-hidden="true">*</span>' in label.group(1)
    assert '<span class="visually-hidden">（必填）</span>' in label.group(1)
    optional = re.search(r'<label class="field-label" for="id_note">(.*?)</label>', html, re.S)
    assert optional and "required-mark" not in optional.group(1)


def test_help_text_sits_under_the_field_and_is_named_by_it():
    html = str(Sample())
    assert 'aria-describedby="id_place_helptext"' in html
    assert html.index('id="id_place"') < html.index('id="id_place_helptext"')


def test_errors_sit_beside_the_field_and_are_summarised_at_the_top_with_links():
    form = Sample(data={"place": ""})
    assert not form.is_valid()
    html = str(form)
    assert html.index('class="form-errors" role="alert"') < html.index('id="id_place"')
    assert '<a href="#id_place">采集地点：' in html
    assert 'aria-describedby="id_place_helptext id_place_error"' in html
    assert 'aria-invalid="true"' in html
    assert html.index('id="id_place"') < html.index('id="id_place_error"')


def test_a_checkbox_is_labelled_beside_its_box():
    html = str(Sample())
    assert re.search(r'<label class="check-label"><input type="checkbox"[^>]*id="id_agreed"', html)
