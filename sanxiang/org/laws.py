"""Parse a statute's text (as kept in data/laws/) into articles. Pure functions."""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_ARTICLE = re.compile(r"^(第([零一二两三四五六七八九十百千]+)条)[ \u3000]+(.*)$")
_HEADING = re.compile(r"^(#{1,4})\s*(.+?)\s*$")


def chinese_number(text: str) -> int:
    """``"一百零二"`` → 102; the numerals used in article numbers (up to 9999)."""
    if not text or any(char not in _DIGITS and char not in _UNITS for char in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    total = 0
    digit = 0
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        else:
            total += (digit or 1) * _UNITS[char]
            digit = 0
    return total + digit


@dataclass(frozen=True)
class ParsedArticle:
    number: int
    label: str
    chapter: str
    text: str


@dataclass(frozen=True)
class ParsedLaw:
    title: str
    articles: tuple[ParsedArticle, ...]


def parse_statute(markdown: str) -> ParsedLaw:
    """Split a statute into articles: ``# title``, ``##``/``###`` chapters, ``第X条 ...`` lines.

    Paragraphs after an article line belong to it until the next article or heading. Article
    numbers must run 1, 2, 3 … without gaps, which catches a mangled source text.
    """
    title = ""
    chapter = ""
    section = ""
    articles: list[ParsedArticle] = []
    current: list[str] = []
    label = ""
    number = 0
    in_preamble = True

    def flush() -> None:
        """Close the article being read, if any."""
        if label:
            where = f"{chapter} · {section}" if section else chapter
            articles.append(ParsedArticle(number, label, where, "\n".join(current).strip()))

    for raw in markdown.splitlines():
        line = raw.strip()
        if not line or line.startswith("<!--"):
            continue
        heading = _HEADING.match(line)
        if heading:
            flush()
            label, current = "", []
            level = len(heading.group(1))
            if level == 1:
                title = heading.group(2)
            elif level == 2:
                chapter, section = heading.group(2), ""
                in_preamble = False
            else:
                section = heading.group(2)
                in_preamble = False
            continue
        match = _ARTICLE.match(line)
        if match and not in_preamble:
            flush()
            label = match.group(1)
            number = chinese_number(match.group(2))
            current = [match.group(3)]
            expected = len(articles) + 1
            if number != expected:
                raise ValueError(f"article {label} found where article {expected} was expected")
            continue
        if label:
            current.append(line)
    flush()
    if not title:
        raise ValueError("statute text has no '# title' line")
    if not articles:
        raise ValueError(f"no articles found in {title}")
    return ParsedLaw(title=title, articles=tuple(articles))
