"""A NUL character typed or pasted into any document input is refused in Chinese: PostgreSQL
stores no NUL in text or JSON, so it reached the database as a 500 (found by the generated-input
test on the PostgreSQL leg: a 处罚决定书 whose 说理 held ``\\x00``)."""

from __future__ import annotations

from datetime import date

import pytest

from sanxiang.cases.document_inputs import INPUTS, InputError, inputs_clean

FIELDS = [(kind, field.name, field.label) for kind, fields in INPUTS.items() for field in fields]


@pytest.mark.parametrize(("kind", "name", "label"), FIELDS)
def test_a_nul_in_any_document_input_is_refused_in_chinese(kind, name, label):
    raw = {field.name: "" for field in INPUTS[kind]}
    raw[name] = "说理\x00部分"
    with pytest.raises(InputError) as refused:
        inputs_clean(kind, raw, today=date(2026, 6, 10))
    assert f"「{label}」含有不可见的控制字符（NUL）" in refused.value.message
