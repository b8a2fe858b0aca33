"""A normalised view of a text for finding personal data, with a map back to the original.

Pure functions: no database, no settings, no clock.

Personal data hides behind look-alike characters: full-width digits, a zero-width space inside
a name, ``3502 0319 8503 0700 1X`` written in groups, ``•`` or ``・`` where the register has
``·``, the traditional ``陝``/``陜`` on a plate. The matchers in ``redaction`` run on a view where
these are read as their plain forms, and every character of the view knows the original
characters it came from, so a finding is replaced in the original text and everything outside
the findings stays exactly as written.

The view (``View``):

- each character is read through Unicode NFKC (full-width ``１３８`` → ``138``, ``（`` → ``(``,
  the ideographic space → a space);
- invisible characters are dropped: zero-width U+200B–U+200F, U+2060–U+2064, U+FEFF, the soft
  hyphen U+00AD, U+180E and the bidirectional embeddings, overrides and isolates
  (``BIDI_CONTROLS``);
- the middle-dot variants ``• ・ ･ ‧ ∙ ⋅`` become ``·`` (the separator in minority and foreign
  names, and on some plates);
- the traditional or variant forms of the provincial abbreviations used on plates become the
  simplified ones (``陝``/``陜`` → ``陕``, ``粵`` → ``粤`` …);
- with ``joined=True``, separators (spaces, tabs, hyphens and dashes) between two letters,
  digits or ``*`` are dropped, so ``138 5901-2345`` reads ``13859012345``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

BIDI_CONTROLS = frozenset([0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
INVISIBLE = frozenset(
    [
        0x00AD,  # soft hyphen
        0x034F,  # combining grapheme joiner
        0x180E,  # Mongolian vowel separator
        *range(0x200B, 0x2010),  # zero-width space, non-joiner, joiner, LRM, RLM
        *range(0x2060, 0x2065),  # word joiner, invisible operators
        0xFEFF,  # zero-width no-break space (BOM)
        *BIDI_CONTROLS,
    ]
)
NAME_DOTS = "•・･‧∙⋅"
# Traditional and variant forms of the plate abbreviations (GA 36-2018 uses the simplified).
PROVINCE_VARIANTS = {
    "陝": "陕",
    "陜": "陕",
    "粵": "粤",
    "閩": "闽",
    "滬": "沪",
    "蘇": "苏",
    "遼": "辽",
    "魯": "鲁",
    "貴": "贵",
    "雲": "云",
    "瓊": "琼",
    "寧": "宁",
    "贛": "赣",
    "晉": "晋",
    "黒": "黑",
}
SEPARATORS = " \t-‐‑‒–—―−"
_JOINABLE = re.compile(r"[0-9A-Za-z*]")


def strip_bidi(text: str) -> str:
    """``text`` without bidirectional embeddings, overrides, isolates and marks (U+202A–U+202E,
    U+2066–U+2069, U+200E, U+200F, U+061C): in published text they can make a fine or a number
    read differently from what is stored."""
    return "".join(char for char in text if ord(char) not in BIDI_CONTROLS)


def strip_bidi_deep(value: Any) -> Any:
    """``value`` (JSON-like: dicts, lists, strings, numbers) with ``strip_bidi`` applied to every
    string in it, keys included."""
    if isinstance(value, str):
        return strip_bidi(value)
    if isinstance(value, dict):
        return {strip_bidi_deep(k): strip_bidi_deep(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [strip_bidi_deep(v) for v in value]
    return value


@cache
def read_char(char: str) -> str:
    """What one original character reads as in the view ("" for an invisible one)."""
    if ord(char) in INVISIBLE:
        return ""
    plain = unicodedata.normalize("NFKC", char)
    return "".join(
        "·" if c in NAME_DOTS else PROVINCE_VARIANTS.get(c, c)
        for c in plain
        if ord(c) not in INVISIBLE
    )


@dataclass(frozen=True)
class View:
    """``text``: the normalised characters; ``origin[i]``: the index in the original text of
    the character that view character ``i`` came from."""

    text: str
    origin: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original characters that view characters ``start:end`` (not empty) came from."""
        return self.origin[start], self.origin[end - 1] + 1


def view(text: str, *, joined: bool = False) -> View:
    """The normalised view of ``text`` (see the module docstring)."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for read in read_char(char):
            chars.append(read)
            origin.append(index)
    if joined:
        keep = [True] * len(chars)
        i = 0
        while i < len(chars):
            if chars[i] in SEPARATORS:
                end = i
                while end < len(chars) and chars[end] in SEPARATORS:
                    end += 1
                if (
                    i > 0
                    and end < len(chars)
                    and _JOINABLE.match(chars[i - 1])
                    and _JOINABLE.match(chars[end])
                ):
                    for j in range(i, end):
                        keep[j] = False
                i = end
            else:
                i += 1
        chars = [c for c, k in zip(chars, keep, strict=True) if k]
        origin = [o for o, k in zip(origin, keep, strict=True) if k]
    return View("".join(chars), tuple(origin))


def plain_term(term: str) -> str:
    """A name or number as the caller gave it, read like the view and without separators:
    the form searched for with ``term_pattern``."""
    return "".join(c for c in "".join(read_char(char) for char in term) if c not in SEPARATORS)


@lru_cache(maxsize=4096)
def term_pattern(term: str) -> re.Pattern[str]:
    """A pattern for ``plain_term(term)`` in a view that allows separators between any two of
    its characters and a missing ``·`` (``阿依·买买提`` also finds ``阿依 买买提``)."""
    sep = "[" + re.escape(SEPARATORS) + "]*"
    parts = ["·?" if c == "·" else re.escape(c) for c in plain_term(term)]
    return re.compile(sep.join(parts))
