"""Checksums of Chinese official identifiers, as pure functions."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError

# GB 32100-2015《法人和其他组织统一社会信用代码编码规则》: 18 characters from this 31-character
# set (no I, O, S, V, Z); the last is a check character over the first 17 with these weights.
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters of a credit code."""
    total = sum(
        CREDIT_CODE_CHARSET.index(char) * weight
        for char, weight in zip(first17, _CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid 统一社会信用代码, in Chinese; ``None`` when it is valid."""
    if len(code) != 18:
        return f"统一社会信用代码应为 18 位，当前为 {len(code)} 位。"
    bad = sorted({char for char in code if char not in CREDIT_CODE_CHARSET})
    if bad:
        return (
            f"统一社会信用代码含有不允许的字符：{'、'.join(bad)}"
            "（只能使用数字和除 I、O、S、V、Z 以外的大写字母）。"
        )
    if credit_code_check_char(code[:17]) != code[17]:
        return "统一社会信用代码校验位不正确，请逐位核对（GB 32100-2015）。"
    return None


def validate_credit_code(value: str) -> None:
    """Django validator for 统一社会信用代码 fields."""
    problem = credit_code_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_credit_code")


# GB 11643-1999《公民身份号码》: 17 digits, then a check character over them (ISO 7064 MOD 11-2).
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def _ascii_digits(text: str) -> bool:
    """0–9 only: ``str.isdigit`` also takes ² and other digits ``int`` refuses."""
    return text.isascii() and text.isdigit()


def id_number_problem(number: str) -> str | None:
    """Why ``number`` is not a valid 居民身份证号码 (18 digits with checksum, or the old
    15-digit form), in Chinese; ``None`` when it is valid."""
    if len(number) == 15:
        return None if _ascii_digits(number) else "15 位身份证号码应全部为数字。"
    if len(number) != 18:
        return f"身份证号码应为 18 位，当前为 {len(number)} 位。"
    if not _ascii_digits(number[:17]) or number[17] not in "0123456789X":
        return "身份证号码前 17 位应为数字，最后一位为数字或 X。"
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != number[17]:
        return "身份证号码校验位不正确，请逐位核对（GB 11643-1999）。"
    return None


# --- case numbers (文号) as users type them ---------------------------------------------------
# A case number is stored as its agency's rule makes it, with the 六角括号 the 党政机关公文格式
# (GB/T 9704-2012) prescribes for the year: 示城执罚〔2026〕12号. People type it with whatever
# brackets their keyboard has; every bracket pair below means the year's 〔〕.
_OPENING = "〔[(（【［〖﹝｛{"
_CLOSING = "〕])）】］〗﹞｝}"
_TO_HEXAGONAL = str.maketrans(_OPENING + _CLOSING, "〔" * len(_OPENING) + "〕" * len(_CLOSING))
CASE_NUMBER_MAX = 64


def case_number_brackets(text: str) -> str:
    """``text`` with every kind of bracket replaced by 〔 or 〕 (for free-text searches)."""
    return text.translate(_TO_HEXAGONAL)


def case_number_normalise(raw: str) -> str:
    """A typed case number as stored: full-width letters and digits as ASCII (NFKC), brackets
    as 〔〕, no spaces. ``示城执罚[2026]12号``, ``示城执罚（2026）12号`` and
    ``示城执罚［２０２６］12 号`` all become ``示城执罚〔2026〕12号``. The one place typed case
    numbers are read."""
    text = case_number_brackets(unicodedata.normalize("NFKC", raw))
    return "".join(text.split())[:CASE_NUMBER_MAX]
