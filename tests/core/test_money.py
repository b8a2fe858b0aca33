"""Amounts typed by officers: what is read, what is refused, and that nothing out of range stays."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanxiang.core.money import MoneyFormField, MoneyRefused, money_limit, money_parse


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("2000", Decimal("2000.00")),
        ("2000.5", Decimal("2000.50")),
        (" 12,500.00 ", Decimal("12500.00")),
        ("１２５００．５０", Decimal("12500.50")),  # full-width, as a Chinese IME types it
        ("１２，５００", Decimal("12500.00")),
        ("0", Decimal("0.00")),
        ("999999999999.99", Decimal("999999999999.99")),
        ("", None),
        (None, None),
    ],
)
def test_plain_amounts_are_read_as_yuan_and_cents(typed, read):
    assert money_parse(typed, label="罚款金额") == read


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("9" * 20, "不能达到或超过1,000,000,000,000元"),
        ("1000000000000", "不能达到或超过"),
        ("NaN", "不是有效的金额"),
        ("Infinity", "不是有效的金额"),
        ("-Infinity", "不是有效的金额"),
        ("1e3", "不是有效的金额"),
        ("1E+3", "不是有效的金额"),
        ("-5", "不小于零"),
        ("+5", "不是有效的金额"),
        ("10.005", "不是有效的金额"),
        ("1,00", "不是有效的金额"),
        ("1 000", "不是有效的金额"),
        ("٣٠٠", "不是有效的金额"),  # other scripts' digits are not read
        ("²", "不是有效的金额"),
        ("0x10", "不是有效的金额"),
        ("一千元", "不是有效的金额"),
        (Decimal("NaN"), "不是有效的金额"),
        (Decimal("1E+20"), "不能达到或超过"),
        (Decimal("0.001"), "两位小数"),
        (1.5, "不是有效的金额"),  # a float is never an amount
        (True, "不是有效的金额"),
    ],
)
def test_anything_but_a_plain_bounded_amount_is_refused_in_chinese(typed, why):
    with pytest.raises(MoneyRefused, match=why):
        money_parse(typed, label="罚款金额")


def test_a_payment_must_be_above_zero():
    with pytest.raises(MoneyRefused, match="大于零"):
        money_parse("0", label="缴款金额", positive=True)


def test_a_legal_ceiling_is_cited_when_exceeded():
    with pytest.raises(MoneyRefused, match="不能超过100元（行政处罚法第六十八条）"):
        money_parse(
            "100.01",
            label="当场收缴",
            ceiling=Decimal(100),
            ceiling_reason="（行政处罚法第六十八条）",
        )


def test_the_amount_involved_column_holds_two_more_digits():
    assert money_parse("9" * 13, label="涉案金额", max_digits=16) == Decimal("9" * 13)
    with pytest.raises(MoneyRefused):
        money_parse("9" * 15, label="涉案金额", max_digits=16)


@given(st.text(max_size=40) | st.decimals().map(str) | st.integers().map(str))
def test_whatever_is_typed_the_parser_answers_an_amount_the_column_holds_or_a_refusal(typed):
    try:
        amount = money_parse(typed, label="罚款金额")
    except MoneyRefused as exc:
        assert exc.message.startswith("罚款金额")
        return
    if amount is not None:
        assert amount.is_finite() and 0 <= amount < money_limit()
        assert amount == amount.quantize(Decimal("0.01"))
        assert len(amount.as_tuple().digits) <= 14


def test_the_form_field_shows_the_refusal_as_a_field_error():
    from django import forms

    class Form(forms.Form):
        fine_yuan = MoneyFormField(label="罚款金额", required=False)

    form = Form(data={"fine_yuan": "1e999"})
    assert not form.is_valid()
    assert "不是有效的金额" in form.errors["fine_yuan"][0]
    assert Form(data={"fine_yuan": "200"}).is_valid()
