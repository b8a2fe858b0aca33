"""说理 (行政处罚决定书's reasoning, 说理式执法): a text generated from what the case recorded —
the evidence relied on, why these articles, which 情节 and tier, why this amount.

The officer sees it prefilled in the decision's inputs form and may edit it; the text used is
kept with the document version (``CaseDocument.fields["reasoning"]``).
"""

from __future__ import annotations

from decimal import Decimal

from sanxiang.cases.circumstances import CaseDiscretion, case_discretion
from sanxiang.cases.documents import KINDS, articles_text, evidence_summary
from sanxiang.cases.models import Case, CaseCircumstance


def _yuan(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _shown_by(row: CaseCircumstance) -> str:
    names = [f"{e.proves}（记录编号 {e.record_id}）" for e in row.evidence.all()]
    names += [f"{KINDS[d.kind].label if d.kind in KINDS else d.kind}" for d in row.documents.all()]
    return "、".join(names)


def _articles(case: Case, found: CaseDiscretion | None) -> str:
    violated = articles_text(
        case.violated_articles.select_related("law").order_by("law__title", "number")
    )
    penalty = articles_text(
        case.penalty_articles.select_related("law").order_by("law__title", "number")
    )
    if found is not None:
        v = found.violation
        return (
            f"二、适用依据：当事人的行为属于本机关行政处罚裁量基准（{v.benchmark.title}）所列"
            f"“{v.name}”。违法依据：{v.violated_basis.rstrip('。')}；"
            f"处罚依据：{v.penalty_basis.rstrip('。')}。"
            f"故当事人的行为违反了{violated or '上述规定'}，"
            f"应当依照{penalty or '上述规定'}予以处罚。"
        )
    if violated or penalty:
        return (
            f"二、适用依据：当事人的行为违反了{violated or '（未登记违法依据）'}的规定，"
            f"依照{penalty or '（未登记处罚依据）'}的规定予以处罚。"
        )
    return "二、适用依据：（本案尚未登记违法依据和处罚依据）"


def _circumstances(found: CaseDiscretion | None) -> str:
    if found is None:
        return "三、裁量情节：本案未按裁量基准选用违法行为，未登记裁量情节。"
    if not found.rows:
        text = "三、裁量情节：经查，未发现当事人具有从轻、减轻、从重或者不予处罚的情节"
    else:
        listed = "；".join(
            f"{row.circumstance.get_kind_display()}情节“{row.circumstance.text}”"
            + (f"（{row.note}）" if row.note else "")
            + (f"，有{shown}为证" if (shown := _shown_by(row)) else "")
            for row in found.rows
        )
        text = f"三、裁量情节：当事人具有{listed}"
    if found.tier is not None:
        return (
            f"{text}。依照裁量基准，本案适用“{found.tier.name}”阶次（{found.tier.penalty_text}）。"
        )
    return f"{text}。依照裁量基准，本案应当适用{found.tier_kind.label}。"


def _amount(case: Case, found: CaseDiscretion | None) -> str:
    if case.fine_yuan is None:
        return (
            "四、处罚种类和数额：本机关决定不予罚款。"
            if not case.warning_only
            else ("四、处罚种类和数额：综合上述情节，本机关决定给予警告。")
        )
    fine = _yuan(case.fine_yuan)
    if found is None or found.tier is None:
        return f"四、处罚数额：综合违法事实、性质、情节和社会危害程度，本机关决定罚款 {fine} 元。"
    if found.outside:
        reasons = case.discretion_reasons.rstrip("。") or "（承办人未写明理由）"
        return (
            f"四、处罚数额：拟罚款 {fine} 元超出“{found.tier.name}”阶次的幅度，理由是：{reasons}。"
        )
    text = f"四、处罚数额：罚款 {fine} 元在“{found.tier.name}”阶次的幅度内"
    suggestion = found.suggestion
    if suggestion is not None and suggestion.amount is not None:
        if suggestion.amount == case.fine_yuan:
            text += f"，与裁量基准的建议金额一致（{suggestion.how}）"
        else:
            text += (
                f"；裁量基准的建议金额为 {_yuan(suggestion.amount)} 元（{suggestion.how}），"
                "本机关综合案情作出上述决定"
            )
    return text + "。"


def reasoning_text(case: Case) -> str:
    """The generated 说理 of ``case``'s decision, in four numbered paragraphs."""
    found = case_discretion(case)
    return "\n".join(
        [
            f"一、证据：本机关认定上述事实所依据的证据有{evidence_summary(case)}。",
            _articles(case, found),
            _circumstances(found),
            _amount(case, found),
        ]
    )
