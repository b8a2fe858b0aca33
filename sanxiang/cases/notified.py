"""裁量情节 against what the party was told (行政处罚法第四十四条、第四十五条).

第四十四条: before a penalty decision the party is told the facts, reasons and basis of the
penalty proposed. The 情节 and the tier they make applicable are the reasons for its weight, so
the 事先告知书 keeps the 情节 recorded when it was made (``notice_fields``, in the document's
inputs). Afterwards:

- a change in the party's favour (a 从轻减轻 or 不罚 情节 added, a 从重 one dropped) is what
  第四十五条 asks for when his statement shows it, and is always accepted;
- a change against him — a 从重 情节 he was not told of, a lighter one he was told of dropped,
  or a heavier applicable tier — is a reason he never had the chance to answer: the case cannot
  go to 法制审核 nor be decided until a new 事先告知书 stating it is served and 事先告知 taken
  again (guard ``circumstances_as_notified``). Where no new notice can be made any more (听证,
  after the hearing, a review sent back), such a change is refused when it is made.

A notice made before this record existed (no ``circumstances`` in its inputs) is not judged.
"""

from __future__ import annotations

from typing import Any

from sanxiang.cases.circumstances import case_discretion
from sanxiang.cases.models import Case, CaseCircumstance, documents_of
from sanxiang.discretion.applicable import tier_kind_for
from sanxiang.discretion.models import Circumstance, CircumstanceKind, TierKind

# From the mildest to the heaviest: what "a heavier tier" means. An agency's own tier kind
# (其他) is ranked with 一般.
SEVERITY = {
    TierKind.NO_PENALTY: 0,
    TierKind.MITIGATED: 1,
    TierKind.LIGHTER: 2,
    TierKind.ORDINARY: 3,
    TierKind.OTHER: 3,
    TierKind.HEAVIER: 4,
}


def _tier_kind(case: Case, kinds: list[str]) -> TierKind:
    violation = case.discretion_violation
    both = violation.benchmark.both_tier_kind if violation is not None else TierKind.ORDINARY
    return tier_kind_for(kinds, both=both)


def _recorded(case: Case) -> list[Circumstance]:
    return [
        row.circumstance
        for row in CaseCircumstance.objects.filter(case=case)
        .select_related("circumstance")
        .order_by("pk")
    ]


def notice_fields(case: Case) -> dict[str, Any]:
    """What the 事先告知书 keeps of the 情节: each recorded one and the tier kind they point to,
    and — when a 违法行为 of the 裁量基准 is chosen — the name and range of the tier relied on,
    which the notice prints (``documents._shown``, 第四十四条: the reasons of the penalty)."""
    recorded = _recorded(case)
    fields: dict[str, Any] = {
        "circumstances": [{"id": c.pk, "kind": c.kind, "text": c.text} for c in recorded],
        "tier_kind": _tier_kind(case, [c.kind for c in recorded]).value,
    }
    found = case_discretion(case)
    if found is not None:
        fields["tier_name"] = found.tier.name if found.tier is not None else found.tier_kind.label
        fields["tier_range"] = found.range_text
    return fields


# How the notice names each kind of 情节 to the party (plain words, no codes).
NOTICE_KIND_WORDS = {
    CircumstanceKind.MITIGATING: "从轻、减轻处罚情节",
    CircumstanceKind.AGGRAVATING: "从重处罚情节",
    CircumstanceKind.FIRST_OFFENCE: "初次违法且危害后果轻微并及时改正的情形",
    CircumstanceKind.MINOR: "违法行为轻微并及时改正、没有造成危害后果的情形",
}


def notice_discretion_text(fields: dict[str, Any]) -> str:
    """The 事先告知书's sentence on the 情节 and the tier relied on, from its kept inputs; empty
    when the case records neither (no 违法行为 of a 裁量基准 chosen)."""
    told = [c for c in fields.get("circumstances") or () if isinstance(c, dict)]
    tier = str(fields.get("tier_name") or "")
    if not told and not tier:
        return ""
    if told:
        groups = []
        for kind, words in NOTICE_KIND_WORDS.items():
            texts = [str(c.get("text", "")) for c in told if c.get("kind") == kind]
            if texts:
                groups.append(words + "：" + "；".join(f"“{t}”" for t in texts))
        sentence = "本机关认定你（单位）具有以下情节：" + "；".join(groups) + "。"
    else:
        sentence = "本机关未认定你（单位）具有从轻、减轻或者从重处罚的情节。"
    if tier:
        span = str(fields.get("tier_range") or "")
        sentence += "综合上述情节，依照本机关行政处罚裁量基准，拟适用“" + tier + "”阶次"
        sentence += f"（{span}）。" if span else "。"
    return sentence


def _served_notice(case: Case) -> Any:
    """The newest 事先告知书 version a 送达回证 served: a proof serves the newest version made
    before it (as ``delivery.service_of`` reads it)."""
    versions = documents_of(case, "advance_notice")
    proofs = [
        p for p in documents_of(case, "service_proof")
        if p.fields.get("served_document") == "advance_notice"
    ]  # fmt: skip
    if not versions or not proofs:
        return None
    newest_proof = max(p.pk for p in proofs)
    served = [v for v in versions if v.pk < newest_proof]
    return max(served, key=lambda v: v.pk) if served else None


def against_party(case: Case, recorded: list[Circumstance] | None = None) -> str | None:
    """How the case's 情节 (or ``recorded``, a change being made) weigh heavier against the
    party than those stated in the latest 事先告知书 served on him (中文), or None. A notice made
    but not yet served told him nothing: until its 送达回证 is made the comparison is with the
    one served before it."""
    notice = _served_notice(case)
    if notice is None or "circumstances" not in notice.fields:
        return None
    told = {int(c["id"]): c for c in notice.fields["circumstances"]}
    now = {c.pk: c for c in (_recorded(case) if recorded is None else recorded)}
    problems = []
    added = [
        c.text for pk, c in now.items() if pk not in told and c.kind == CircumstanceKind.AGGRAVATING
    ]
    if added:
        problems.append("新增从重情节" + "、".join(f"“{t[:30]}”" for t in added))
    dropped = [
        str(c["text"])
        for pk, c in told.items()
        if pk not in now and c["kind"] != CircumstanceKind.AGGRAVATING
    ]
    if dropped:
        problems.append("删除了告知时认定的情节" + "、".join(f"“{t[:30]}”" for t in dropped))
    before = TierKind(notice.fields.get("tier_kind", TierKind.ORDINARY))
    after = _tier_kind(case, [c.kind for c in now.values()])
    if SEVERITY[after] > SEVERITY[before]:
        problems.append(f"适用阶次由“{before.label}”变为“{after.label}”")
    if not problems:
        return None
    return "事先告知后裁量情节有对当事人不利的变化：" + "；".join(problems)


NEW_NOTICE = (
    "当事人未被告知，应当重新制作行政处罚事先告知书、送达并重新办理“事先告知”"
    "（行政处罚法第四十四条）"
)
