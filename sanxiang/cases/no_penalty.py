"""不予处罚 (行政处罚法第三十三条、第五十七条第一款): what a proposal must state, and what the
step, the 不予行政处罚决定书 and the legal reviewer's pre-check read from it.

第三十三条 has three cases, each a conjunction of elements: 违法行为轻微 + 及时改正 + 没有造成危害
后果 (shall not be penalised); 初次违法 + 危害后果轻微 + 及时改正 (may not be, 首违不罚); 有证据足以
证明没有主观过错 (shall not be). The officer proposes one of them under the 不予处罚 tier of the
违法行为 he chose from the agency's 裁量基准, and says for every element what shows it. A case
whose facts do not stand (第五十七条第一款第三项) also ends without a penalty, with no tier and no
education: there was no violation to educate about.

第三十三条第三款: 对当事人的违法行为依法不予行政处罚的，行政机关应当对当事人进行教育 — so a
第三十三条 case cannot end before the education is recorded (``education_refusal``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sanxiang.cases.batch import batch_of, first_by_case
from sanxiang.cases.models import NoPenaltyGround

if TYPE_CHECKING:
    from sanxiang.cases.models import Case, NoPenaltyProposal
    from sanxiang.discretion.models import Tier

G = NoPenaltyGround
# Ground → its elements (key, what must be shown), all of which must hold.
ELEMENTS: dict[str, tuple[tuple[str, str], ...]] = {
    G.MINOR: (
        ("minor", "违法行为轻微"),
        ("corrected", "及时改正"),
        ("no_harm", "没有造成危害后果"),
    ),
    G.FIRST: (("first", "初次违法"), ("slight_harm", "危害后果轻微"), ("corrected", "及时改正")),
    G.NO_FAULT: (("no_fault", "有证据足以证明没有主观过错"),),
    G.NOT_ESTABLISHED: (("not_established", "违法事实不能成立的理由"),),
}
# The grounds of 第三十三条: proposed under a 不予处罚 tier, and the party is educated.
ARTICLE_33 = frozenset({G.MINOR, G.FIRST, G.NO_FAULT})
# How the decision states the ground (不予行政处罚决定书).
GROUND_TEXT: dict[str, str] = {
    G.MINOR: "当事人的违法行为轻微并及时改正，没有造成危害后果，依据《中华人民共和国行政处罚法》"
    "第三十三条第一款的规定",
    G.FIRST: "当事人系初次违法，危害后果轻微并及时改正，依据《中华人民共和国行政处罚法》"
    "第三十三条第一款的规定",
    G.NO_FAULT: "当事人有证据足以证明没有主观过错，依据《中华人民共和国行政处罚法》"
    "第三十三条第二款的规定",
    G.NOT_ESTABLISHED: "经调查，当事人的违法事实不能成立，依据《中华人民共和国行政处罚法》"
    "第五十七条第一款第三项的规定",
}
PROOF_MAX = 500

# 第五十七条: 调查终结 first, then the outcome. A proposal of 不予处罚 is made (or changed) from
# 调查终结 until it goes to 法制审核, and again when the review returns it; the case page shows
# the section then, once the review passed, and in 不予处罚 (no query in any other state: the
# reviewer's pre-check shows the proposal while the review runs).
PROPOSAL_STATES = frozenset({"investigated", "notified", "heard", "under_review.returned"})
SHOWN_STATES = PROPOSAL_STATES | {"under_review.passed", "discussed", "no_penalty"}


def no_penalty_tiers(case: Case) -> list[Tier]:
    """The 不予处罚 tiers of the 违法行为 the case chose from the 裁量基准 (none: no 第三十三条
    proposal can be made under it)."""
    from sanxiang.discretion.models import TierKind

    violation = case.discretion_violation
    if violation is None:
        return []
    return list(violation.tiers.filter(kind=TierKind.NO_PENALTY).order_by("position", "pk"))


def proposal_of(case: Case) -> NoPenaltyProposal | None:
    from sanxiang.cases.models import NoPenaltyProposal

    batch = batch_of(case)
    if batch is not None:
        return batch.fact("cases.no_penalty", case, _proposals_of)  # type: ignore[no-any-return]
    return NoPenaltyProposal.objects.filter(case=case).select_related("tier").first()


def _proposals_of(cases: Sequence[Case]) -> dict[int, NoPenaltyProposal]:
    from sanxiang.cases.models import NoPenaltyProposal

    found = NoPenaltyProposal.objects.filter(case_id__in=[case.pk for case in cases])
    return first_by_case(list(found.select_related("tier")))


def proposal_ground(case: Case) -> str:
    proposal = proposal_of(case)
    return proposal.ground if proposal else ""


def elements_text(proposal: NoPenaltyProposal) -> str:
    """ "初次违法：……；危害后果轻微：……" in the order of the ground's elements."""
    return "；".join(
        f"{label}：{proposal.elements.get(key, '')}" for key, label in ELEMENTS[proposal.ground]
    )


def proposal_refusal(case: Case) -> str | None:
    """Why the case cannot end in 不予处罚 as proposed (None when it can)."""
    proposal = proposal_of(case)
    if proposal is None:
        return "请先在“拟不予处罚”中写明不予处罚的理由及其证明"
    if case.penalty_kinds:
        return "拟处理意见中仍有处罚种类，请先取消处罚种类或者撤回拟不予处罚意见"
    if proposal.ground in ARTICLE_33:
        tier = proposal.tier
        if tier is None or tier.violation_id != case.discretion_violation_id:
            return "拟不予处罚所依据的裁量阶次不属于本案选用的违法行为，请重新提出"
    return None


def education_refusal(case: Case) -> str | None:
    """第三十三条第三款: no 不予处罚 under 第三十三条 without the party's education on record."""
    proposal = proposal_of(case)
    if proposal is None or proposal.ground not in ARTICLE_33:
        return None
    if case.educations.exists():
        return None
    return "依法不予行政处罚的，应当对当事人进行教育：请先登记教育的方式、时间、人员和内容"


def remedies_text(agency_id: int) -> str:
    """救济途径 as the agency recorded its channels (复议机关、人民法院 and their periods), else
    the statutory periods (data/remedies.csv): 行政复议法第二十条, 行政诉讼法第四十六条."""
    from sanxiang.org.models import RemedyChannel, RemedyKind
    from sanxiang.org.remedies import remedy_defaults

    channels = list(RemedyChannel.objects.filter(agency_id=agency_id).order_by("kind", "pk"))
    if channels:
        parts = [
            f"{RemedyKind(c.kind).label}：向{c.body}提出，期限为{c.period}（{c.basis}）"
            for c in channels
        ]
    else:
        parts = [
            f"{RemedyKind(kind).label}：{found.period}（{found.basis}）"
            for kind, found in sorted(remedy_defaults().items())
            if kind in RemedyKind.values
        ]
    return "当事人如不服本决定，可以依法申请行政复议或者提起行政诉讼。" + "；".join(parts) + "。"


def decision_fields(case: Case) -> dict[str, str]:
    """What the 不予行政处罚决定书 states beyond the case itself, copied into the version's inputs
    (so a changed proposal, education or remedy channel makes a new version, and each version
    renders again as it was): the ground, the 裁量基准 entry, the elements and their proof, the
    education given, the remedies."""
    proposal = proposal_of(case)
    if proposal is None:
        return {}
    tier = proposal.tier
    entry = ""
    if tier is not None:
        violation = tier.violation
        benchmark = violation.benchmark
        number = f"（{benchmark.document_number}）" if benchmark.document_number else ""
        entry = (
            f"《{benchmark.title}》{number}第 {benchmark.number} 版所列“{violation.code} "
            f"{violation.name}”的“{tier.name}”阶次，适用条件：{tier.conditions}"
        )
    educations = [
        f"{e.given_on:%Y年%m月%d日}，{e.given_by.name}以{e.get_manner_display()}方式对当事人进行了"
        f"教育：{e.content}"
        for e in case.educations.select_related("given_by").order_by("given_on", "pk")
    ]
    return {
        "ground": proposal.ground,
        "ground_text": GROUND_TEXT[proposal.ground],
        "entry": entry,
        "elements": elements_text(proposal),
        "education": "；".join(educations),
        "remedies": remedies_text(case.agency_id),
    }
