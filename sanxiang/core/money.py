"""Amounts of money in yuan: one parser for every amount typed in, and the bounds the columns keep.

Every amount (罚款、涉案金额、缴款、分期金额、变更后的罚款、文书中的拟罚款金额) is written by an
officer as a plain decimal: digits, at most two decimal places, optionally grouped by commas in
threes (``12,500.00``). Full-width digits, point and comma, as a Chinese input method types
them (``１２５００．５０``), are read as their ASCII forms; nothing else is: no sign, no exponent
(``1e3``), no ``NaN`` or ``Infinity``, no other scripts' digits, no spaces inside.

The bound is the column's: ``DecimalField(max_digits=14, decimal_places=2)`` holds less than
one trillion yuan (10^12). An amount over it would be refused by PostgreSQL and, on SQLite,
stored and then fail every page that reads the row, so it is refused here, in the model's
validators and in a database constraint alike.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from sanxiang.errors import DomainError

CENT = Decimal("0.01")
# The amount columns: DecimalField(max_digits=14, decimal_places=2), 涉案金额 16.
MAX_DIGITS = 14
DECIMAL_PLACES = 2
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")
_PLAIN = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{1,2})?", re.ASCII)
# Longest text worth looking at: 14 digits, four commas, a point and two decimals.
_MAX_LENGTH = 32


class MoneyRefused(DomainError):
    """An amount that is not a plain, bounded decimal in yuan."""


def money_limit(max_digits: int = MAX_DIGITS) -> Decimal:
    """The first amount a column of ``max_digits`` (two of them decimals) cannot hold."""
    return Decimal(10) ** (max_digits - DECIMAL_PLACES)


def _limit_text(limit: Decimal) -> str:
    return f"{limit:,f}元"


def money_check(
    value: Decimal,
    *,
    label: str,
    max_digits: int = MAX_DIGITS,
    positive: bool = False,
    ceiling: Decimal | None = None,
    ceiling_reason: str = "",
) -> Decimal:
    """``value`` if it is a finite amount within bounds with at most two decimals, else refuse.

    ``positive`` refuses zero (a payment); ``ceiling`` is a legal maximum (with the article
    that sets it in ``ceiling_reason``), below the column's own bound.
    """
    if not isinstance(value, Decimal) or not value.is_finite():
        raise MoneyRefused(f"{label}不是有效的金额。", log_message=f"bad {label}: {value!r}")
    if value < 0 or (positive and value == 0):
        least = "大于零" if positive else "不小于零"
        raise MoneyRefused(
            f"{label}应为{least}的金额（元）。", log_message=f"{label} out of range: {value}"
        )
    limit = money_limit(max_digits)
    if value >= limit:
        raise MoneyRefused(
            f"{label}不能达到或超过{_limit_text(limit)}，请核对金额。",
            log_message=f"{label} over the column: {value}",
        )
    if ceiling is not None and value > ceiling:
        raise MoneyRefused(
            f"{label}不能超过{ceiling:f}元{ceiling_reason}。",
            log_message=f"{label} over the legal ceiling {ceiling}: {value}",
        )
    if value != value.quantize(CENT):
        raise MoneyRefused(
            f"{label}最多保留两位小数（精确到分）。", log_message=f"{label} below a cent: {value}"
        )
    return value.quantize(CENT)


def money_parse(
    value: object,
    *,
    label: str,
    max_digits: int = MAX_DIGITS,
    positive: bool = False,
    ceiling: Decimal | None = None,
    ceiling_reason: str = "",
) -> Decimal | None:
    """An amount typed by an officer, as a Decimal of cents; ``None`` for a blank field.

    Raises ``MoneyRefused`` (a Chinese message saying what to write) for anything else.
    """
    if value is None:
        return None
    if isinstance(value, Decimal):
        return money_check(
            value, label=label, max_digits=max_digits, positive=positive,
            ceiling=ceiling, ceiling_reason=ceiling_reason,
        )  # fmt: skip
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise MoneyRefused(f"{label}不是有效的金额。", log_message=f"bad {label}: {value!r}")
    text = str(value).strip().translate(_FULL_WIDTH)
    if not text:
        return None
    negative = text.startswith(("-", "－")) and len(text) > 1
    digits = text[1:] if negative else text
    if len(digits) > _MAX_LENGTH or not _PLAIN.fullmatch(digits):
        raise MoneyRefused(
            f"{label}不是有效的金额：请填写数字（元），如 2000 或 2000.50，"
            "最多两位小数，不用科学计数法。",
            log_message=f"bad {label}: {text[:40]!r}",
        )
    amount = Decimal(digits.replace(",", ""))
    return money_check(
        -amount if negative else amount, label=label, max_digits=max_digits,
        positive=positive, ceiling=ceiling, ceiling_reason=ceiling_reason,
    )  # fmt: skip


def money_constraint(field: str, *, max_digits: int = MAX_DIGITS, name: str) -> Any:
    """A database CHECK keeping ``field`` (NULL allowed) within ``money_check``'s bounds."""
    from django.db.models import CheckConstraint, Q

    return CheckConstraint(
        condition=Q(**{f"{field}__isnull": True})
        | Q(**{f"{field}__gte": 0, f"{field}__lt": money_limit(max_digits)}),
        name=name,
        violation_error_message="金额超出范围。",
    )


def money_validators(max_digits: int = MAX_DIGITS) -> list[Any]:
    """The model field's validators: the same bounds as ``money_check``."""
    limit = money_limit(max_digits)
    return [
        MinValueValidator(Decimal("0"), message="金额不能小于零。"),
        MaxValueValidator(limit - CENT, message=f"金额不能达到或超过{_limit_text(limit)}。"),
    ]


class MoneyFormField(forms.CharField):
    """A form field for an amount in yuan, read by ``money_parse``."""

    def __init__(self, *, max_digits: int = MAX_DIGITS, positive: bool = False, **kwargs: Any):
        self.max_digits, self.positive = max_digits, positive
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        return {**attrs, "inputmode": "decimal", "maxlength": str(_MAX_LENGTH)}

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        try:
            return money_parse(
                super().to_python(value), label=str(self.label or "金额"),
                max_digits=self.max_digits, positive=self.positive,
            )  # fmt: skip
        except MoneyRefused as exc:
            raise forms.ValidationError(exc.message, code="invalid") from None
