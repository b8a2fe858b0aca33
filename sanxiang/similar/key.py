"""The structural key of a decision: what makes two decisions "the same kind of case".

The key is the 违法行为 chosen from the agency's 裁量基准 (when one was chosen), the articles cited
as 违法依据 and 处罚依据, and the penalty kinds; the procedure is compared beside it, and the
tier (阶次) refines the amount band.

The 违法行为 is keyed by its **code within the agency's benchmark** (``"<agency id>:<code>"``),
not by the ``Violation`` row: each version of a benchmark has its own rows, and a new version
keeps the code of the same 违法行为 (the import file's 编号), so decisions made under the
previous version still count as the same 违法行为. The agency is part of it because codes are
only unique within one agency's benchmark (across agencies, where allowed, ``A-01`` of one need
not be ``A-01`` of another). The tier is its kind (从轻, 一般, 从重 …), comparable across
versions too: for a decided case the one its ``DecisionDiscretion`` recorded, for a draft the
tier its proposed fine falls in now.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from sanxiang.cases.models import Case
from sanxiang.discretion.selectors import tier_kind_of_fine


@dataclass(frozen=True)
class Key:
    procedure: str
    violated: tuple[int, ...]
    penalty: tuple[int, ...]
    kinds: tuple[str, ...]
    violation: str = ""  # "<agency id>:<code>" of the chosen 违法行为, or ""
    tier: str = ""  # the tier's kind (``discretion.TierKind``), or ""

    @property
    def text(self) -> str:
        """The stored form: the decisions with equal text are compared for the amount band
        when no 违法行为 was chosen."""
        body = f"v{_ids(self.violated)}|p{_ids(self.penalty)}|k{','.join(self.kinds)}"
        return ((f"b{self.violation}|" if self.violation else "") + body)[:200]

    @property
    def articles(self) -> frozenset[int]:
        return frozenset(self.violated) | frozenset(self.penalty)


def _ids(values: tuple[int, ...]) -> str:
    return ",".join(str(v) for v in values)


def parse_ids(stored: str) -> tuple[int, ...]:
    return tuple(int(v) for v in stored.split(",") if v)


def key_of_case(case: Case) -> Key:
    """The key of one case; a draft's tier is the one its proposed fine falls in now."""
    key = keys_of_cases([case.pk])[case.pk]
    violation_id, fine = case.discretion_violation_id, case.fine_yuan
    drafted = key.violation and not key.tier and case.decided_on is None
    if drafted and violation_id is not None and fine is not None:
        key = replace(key, tier=tier_kind_of_fine(violation_id, fine=fine))
    return key


def violation_key(agency_id: int | None, code: str | None) -> str:
    return f"{agency_id}:{code}" if agency_id is not None and code else ""


def keys_of_cases(case_ids: Iterable[int]) -> dict[int, Key]:
    """The keys of many cases in three queries (the rebuild's batches)."""
    ids = sorted(set(case_ids))
    violated: dict[int, list[int]] = defaultdict(list)
    penalty: dict[int, list[int]] = defaultdict(list)
    for field, into in (("violated_articles", violated), ("penalty_articles", penalty)):
        through = getattr(Case, field).through.objects.filter(case_id__in=ids)
        for case_id, article_id in through.values_list("case_id", "article_id"):
            into[case_id].append(article_id)
    rows = Case.objects.filter(pk__in=ids).values_list(
        "pk", "procedure", "penalty_kinds", "discretion_violation__benchmark__agency_id",
        "discretion_violation__code", "discretion_record__tier__kind",
    )  # fmt: skip
    return {
        pk: Key(
            procedure=procedure,
            violated=tuple(sorted(violated[pk])),
            penalty=tuple(sorted(penalty[pk])),
            kinds=tuple(sorted(set(kinds or ()))),
            violation=violation_key(agency_id, code),
            tier=tier or "",
        )
        for pk, procedure, kinds, agency_id, code, tier in rows
    }


def jaccard(a: frozenset[object] | set[object], b: frozenset[object] | set[object]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)
