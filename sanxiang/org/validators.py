"""Shapes of identifiers used across org (pure)."""

from __future__ import annotations

import re

# Provinces print 执法证号 in several formats (digits, letters, a province abbreviation such as
# 闽 or 冀, hyphens); what they share is 4–32 such characters and no spaces.
_CERTIFICATE_NUMBER = re.compile(r"^[0-9A-Za-z\u4e00-\u9fff-]{4,32}$")

CERTIFICATE_NUMBER_HINT = "执法证号应为 4–32 位的数字、字母、汉字或短横线，中间不含空格。"


def normalize_certificate_number(raw: str) -> str | None:
    """The certificate number in canonical form (trimmed, upper-case), or None if malformed."""
    value = raw.strip().upper()
    if not _CERTIFICATE_NUMBER.match(value):
        return None
    return value
