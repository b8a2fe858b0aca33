"""Numbers in query strings and forms (ids, pages, years, counts): one parser, a Chinese 400.

A malformed or out-of-range number is the client's mistake, so it is answered with 400 and a
message saying what to send, on public pages as on office pages. Only ASCII digits are read
(``int()`` would also take ``１２``, ``1_000`` and `` 12 ``; ``str.isdigit`` passes ``²``, which
``int()`` then refuses), and never more than fit a database key, so no lookup can overflow a
column on PostgreSQL.

Views raise ``BadParameter``; ``BadParameterMiddleware`` turns it into the 400 page (JSON for
/api/); office forms that catch ``DomainError`` show its message instead. Path segments
(``<int:pk>``) need nothing: Django (5.0+) answers an id too large for the column with "no such
row", hence 404.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse

from sanxiang.core.error_pages import PAGES, ErrorPage, error_response
from sanxiang.errors import DomainError

logger = logging.getLogger(__name__)

# BigAutoField (DEFAULT_AUTO_FIELD): a signed 64-bit key.
MAX_ID = 2**63 - 1
MAX_PAGE = 10**9  # an old link's deep page is clamped by the view, not refused
# Years an agency's records can concern: the 行政处罚法 of 1996 to well beyond any case today.
MIN_YEAR, MAX_YEAR = 1990, 2100
_DIGITS = re.compile(r"[0-9]{1,19}", re.ASCII)
BAD_PARAMETER = ErrorPage(400, "invalid_parameter", PAGES[400].title, PAGES[400].message)


class BadParameter(DomainError):
    """A query or form parameter that is not what the page accepts; answered with 400."""


def _number(raw: str, name: str, label: str, minimum: int, maximum: int) -> int:
    text = raw.strip()
    value = int(text) if _DIGITS.fullmatch(text) else None
    if value is None or not minimum <= value <= maximum:
        expected = (
            f"{minimum} 至 {maximum} 之间的整数"
            if maximum < MAX_ID
            else "非负整数"
            if minimum == 0
            else "正整数"
        )
        raise BadParameter(
            f"参数“{label}”应为{expected}，请检查链接或重新填写。",
            log_message=f"bad parameter {name}: {raw[:40]!r}",
        )
    return value


def int_param(
    data: Mapping[str, Any],
    name: str,
    *,
    label: str,
    default: int | None = None,
    minimum: int = 0,
    maximum: int = MAX_ID,
) -> int | None:
    """The whole number ``data[name]`` (a QueryDict or dict), ``default`` if absent or blank."""
    raw = data.get(name)
    if raw is None or not str(raw).strip():
        return default
    return _number(str(raw), name, label, minimum, maximum)


def id_param(data: Mapping[str, Any], name: str, *, label: str) -> int | None:
    """A database id (1 … 2^63-1), or None if absent."""
    return int_param(data, name, label=label, minimum=1)


def page_param(data: Mapping[str, Any], name: str = "page") -> int:
    """A page number (1 … MAX_PAGE), 1 if absent."""
    value = int_param(data, name, label="页码", minimum=1, maximum=MAX_PAGE)
    return 1 if value is None else value


def year_param(data: Mapping[str, Any], name: str = "year", *, default: int) -> int:
    """A calendar year (MIN_YEAR … MAX_YEAR), ``default`` if absent."""
    value = int_param(data, name, label="年度", minimum=MIN_YEAR, maximum=MAX_YEAR)
    return default if value is None else value


def is_id(text: str) -> bool:
    """Whether ``text`` is a database id (ASCII digits, 1 … 2^63-1)."""
    return bool(_DIGITS.fullmatch(text)) and 1 <= int(text) <= MAX_ID


def id_list_param(data: Any, name: str, *, label: str) -> list[int]:
    """Every value of ``name`` (``QueryDict.getlist``) as ids; one bad value refuses all."""
    return [_number(str(raw), name, label, 1, MAX_ID) for raw in data.getlist(name) if raw != ""]


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    """The 400 answer: JSON under /api/, else the office's or the portal's page saying what to
    correct."""
    return error_response(request, BAD_PARAMETER, path=request.path, message=message)


class BadParameterMiddleware:
    """Answer ``BadParameter`` from any view with a Chinese 400."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, BadParameter):
            logger.info("400 for %s: %s", request.path, exception.log_message)
            return bad_request(request, exception.message)
        return None
