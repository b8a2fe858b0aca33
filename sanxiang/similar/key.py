"""The structural key of a decision: what makes two decisions "the same kind of case".

This round the key is what every case already records — the articles cited as 违法依据 and
处罚依据, and the penalty kinds — and the procedure is compared beside it. When the 裁量基准
(违法行为 and tier, the ``discretion`` app) is recorded on cases, ``key_of_case`` is the one
place to change: the 违法行为 and the tier then make the key (and the amount band is drawn per
违法行为 and tier), and everything else — the index, the ranking, the band — stays as it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sanxiang.cases.models import Case


@dataclass(frozen=True)
class Key:
    procedure: str
    violated: tuple[int, ...]
    penalty: tuple[int, ...]
    kinds: tuple[str, ...]

    @property
    def text(self) -> str:
        """The stored form: the decisions with equal text are compared for the amount band."""
        return f"v{_ids(self.violated)}|p{_ids(self.penalty)}|k{','.join(self.kinds)}"[:200]

    @property
    def articles(self) -> frozenset[int]:
        return frozenset(self.violated) | frozenset(self.penalty)


def _ids(values: tuple[int, ...]) -> str:
    return ",".join(str(v) for v in values)


def parse_ids(stored: str) -> tuple[int, ...]:
    return tuple(int(v) for v in stored.split(",") if v)


def key_of_case(case: Case) -> Key:
    """The seam for 违法行为 and tier (see the module's note)."""
    return keys_of_cases([case.pk])[case.pk]


def keys_of_cases(case_ids: Iterable[int]) -> dict[int, Key]:
    """The keys of many cases in three queries (the rebuild's batches)."""
    ids = sorted(set(case_ids))
    violated: dict[int, list[int]] = defaultdict(list)
    penalty: dict[int, list[int]] = defaultdict(list)
    for field, into in (("violated_articles", violated), ("penalty_articles", penalty)):
        through = getattr(Case, field).through.objects.filter(case_id__in=ids)
        for case_id, article_id in through.values_list("case_id", "article_id"):
            into[case_id].append(article_id)
    return {
        pk: Key(
            procedure=procedure,
            violated=tuple(sorted(violated[pk])),
            penalty=tuple(sorted(penalty[pk])),
            kinds=tuple(sorted(set(kinds or ()))),
        )
        for pk, procedure, kinds in Case.objects.filter(pk__in=ids).values_list(
            "pk", "procedure", "penalty_kinds"
        )
    }


def jaccard(a: frozenset[object] | set[object], b: frozenset[object] | set[object]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)
