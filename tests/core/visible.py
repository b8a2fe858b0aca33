"""What a user reads on a page: the text between the tags, without scripts, styles and comments."""

from __future__ import annotations

import html
import re

# Scripts, styles, comments, and the machine-readable copies shown for verification (the exact
# bytes a published hash covers, marked ``class="… machine-readable"``).
_HIDDEN = re.compile(
    r"<(script|style|template)\b.*?</\1>|<!--.*?-->"
    r"|<(pre|code|div)\b[^>]*\bmachine-readable\b[^>]*>.*?</\2>",
    re.S | re.I,
)
_TAG = re.compile(r"<[^>]+>")
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{3,}\b")


def visible_text(page: str | bytes) -> str:
    text = page.decode() if isinstance(page, bytes) else page
    text = _TAG.sub(" ", _HIDDEN.sub(" ", text))
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def english_words(page: str | bytes) -> list[str]:
    """Latin words of three letters or more in the visible text (error pages should have none)."""
    return ENGLISH_WORD.findall(visible_text(page))
