"""统一社会信用代码 checksums (GB 32100-2015)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sanxiang.core.identifiers import (
    CREDIT_CODE_CHARSET,
    credit_code_check_char,
    credit_code_problem,
)

# Codes published in 国家企业信用信息公示系统 (腾讯科技（深圳）有限公司, 北京百度网讯科技有限公司),
# checked here against an implementation written from the standard.
PUBLISHED = ("91440300708461136T", "91110000802100433B")
KNOWN_VALID = PUBLISHED[0]


def test_published_codes_are_valid():
    for code in PUBLISHED:
        assert credit_code_problem(code) is None


def problem_of(code: str) -> str:
    problem = credit_code_problem(code)
    assert problem is not None, f"{code} should be refused"
    return problem


def test_wrong_check_character_is_reported_in_chinese():
    assert "校验位不正确" in problem_of(KNOWN_VALID[:17] + "X")


def test_wrong_length_and_forbidden_letters_are_reported():
    assert "18 位" in problem_of("91350200")
    assert "不允许的字符：I、O" in problem_of("91350200MA0000IO0X")


first17 = st.text(alphabet=CREDIT_CODE_CHARSET, min_size=17, max_size=17)


@given(body=first17)
def test_every_body_with_its_check_character_is_valid(body):
    assert credit_code_problem(body + credit_code_check_char(body)) is None


@given(body=first17, position=st.integers(0, 16), replacement=st.sampled_from(CREDIT_CODE_CHARSET))
def test_any_single_character_change_is_detected(body, position, replacement):
    code = body + credit_code_check_char(body)
    changed = code[:position] + replacement + code[position + 1 :]
    if changed != code:
        assert credit_code_problem(changed) is not None


# The two worked examples printed in GB 11643-1999 itself.
STANDARD_ID_EXAMPLES = ("11010519491231002X", "440524188001010014")


def test_the_standards_own_id_number_examples_are_valid():
    from sanxiang.core.identifiers import id_number_problem

    for number in STANDARD_ID_EXAMPLES:
        assert id_number_problem(number) is None


def test_id_numbers_with_a_wrong_check_digit_or_shape_are_refused():
    from sanxiang.core.identifiers import id_number_problem

    assert "校验位不正确" in (id_number_problem("110105194912310021") or "")
    assert "18 位" in (id_number_problem("1101051949") or "")
    assert "最后一位为数字或 X" in (id_number_problem("11010519491231002Y") or "")
    assert id_number_problem("110105491231002") is None, "old 15-digit numbers have no check digit"


def test_digits_other_than_0_to_9_are_refused_not_crashed_on():
    """``str.isdigit`` takes ² and ١; ``int`` does not. Found by the generated-input test."""
    from sanxiang.core.identifiers import id_number_problem

    assert "前 17 位应为数字" in (id_number_problem("1101051949123100²X") or "")
    assert "应全部为数字" in (id_number_problem("11010549123100²") or "")
