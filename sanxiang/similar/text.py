"""Terms of a decision text and the BM25 score, in plain Python (no dependency, no network).

Terms are Chinese character bigrams ("占道经营" → 占道 道经 经营) and words of Latin letters;
digits are left out (amounts, dates and numbers say nothing about what was done, and the amount
is compared as a field). Bigrams need no dictionary, so the words of one trade that a general
segmenter does not know (a drug's name, "油烟净化") still match; docs/operations/similar.md has
the measurement against rjieba.

A decision is stored as its *signature*: its ``SIGNATURE`` terms of highest tf·idf with their
counts, and the number of terms of the whole text. Scoring a draft against a few hundred
candidates then reads a few hundred short rows instead of their texts.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping

from sanxiang.disclosure.search import normalise

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_HAN}]+|[a-z]+")
SIGNATURE = 64
MAX_TERM = 64
K1 = 1.2
B = 0.75


def terms(text: str) -> list[str]:
    """All terms of ``text``, in order (with repeats)."""
    found: list[str] = []
    for run in _RUNS.findall(normalise(text)):
        if run[0] >= "\u3400":  # a run of Chinese characters: its bigrams
            found.extend(map(str.__add__, run, run[1:]))
        elif len(run) > 1:
            found.append(run[:MAX_TERM])
    return found


def idf(documents: int, containing: int) -> float:
    """BM25's inverse document frequency (the "plus one" form: never negative)."""
    return math.log(1 + (documents - containing + 0.5) / (containing + 0.5))


def signature(
    counts: Mapping[str, int], df: Mapping[str, int], documents: int,
    idf_of: dict[str, float] | None = None,
) -> dict[str, int]:  # fmt: skip
    """The ``SIGNATURE`` terms of a text by tf·idf (ties in the text's order); ``idf_of``
    memoises the idf of each term across calls with the same counts (a rebuild)."""
    cache = idf_of if idf_of is not None else {}
    weight = {}
    for t, n in counts.items():
        w = cache.get(t)
        if w is None:
            w = cache[t] = idf(documents, df.get(t, 0))
        weight[t] = n * w
    top = heapq.nlargest(SIGNATURE, weight, key=weight.__getitem__)
    return {t: counts[t] for t in top}


def encode(sig: Mapping[str, int]) -> str:
    return " ".join(f"{t}:{n}" for t, n in sig.items())


def decode(stored: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for pair in stored.split():
        term, _, count = pair.rpartition(":")
        if term:
            out[term] = int(count)
    return out


def bm25(
    query: Mapping[str, int],
    docs: Iterable[tuple[int, Mapping[str, int], int]],
    df: Mapping[str, int],
    documents: int,
    average_length: float,
) -> dict[int, float]:
    """Okapi BM25 (k1 = 1.2, b = 0.75) of each (id, term counts, length) for the query terms;
    a query term repeated counts once per repeat (the draft's emphasis)."""
    weights = {t: idf(documents, df.get(t, 0)) * n for t, n in query.items()}
    average = average_length or 1.0
    scores: dict[int, float] = {}
    for pk, counts, length in docs:
        norm = K1 * (1 - B + B * length / average)
        score = 0.0
        for term, weight in weights.items():
            tf = counts.get(term)
            if tf:
                score += weight * tf * (K1 + 1) / (tf + norm)
        scores[pk] = score
    return scores


def counts_of(text: str) -> tuple[Counter[str], int]:
    found = terms(text)
    return Counter(found), len(found)
