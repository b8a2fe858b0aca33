"""The case page's 不予处罚 section (what it shows, and its forms): the handlers' proposal under
the 裁量基准's 不予处罚 tier (行政处罚法第三十三条) and the record of the party's education
(第三十三条第三款). The forms post to ``no_penalty_views``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from sanxiang.cases.models import Case, EducationManner, NoPenaltyGround, Procedure
from sanxiang.cases.no_penalty import (
    ARTICLE_33,
    ELEMENTS,
    PROOF_MAX,
    PROPOSAL_STATES,
    SHOWN_STATES,
    education_refusal,
    no_penalty_tiers,
    proposal_of,
)
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.cases.workflow.engine import in_states
from sanxiang.org.models import Officer


class NoPenaltyForm(forms.Form):
    """拟不予处罚: the ground chosen above, the tier, and what shows each of its elements."""

    ground = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, ground: str, tiers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ground"].initial = ground
        if ground in ARTICLE_33 and len(tiers) > 1:
            self.fields["tier"] = forms.ChoiceField(
                label="不予处罚阶次", choices=[(str(t.pk), t.name) for t in tiers]
            )
        for key, label in ELEMENTS.get(ground, ()):
            self.fields[f"element_{key}"] = forms.CharField(
                label=f"{label}（事实和证据）",
                max_length=PROOF_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="写明证明这一情形的事实，以及证据名称或记录编号",
            )


class EducationForm(forms.Form):
    """行政处罚法第三十三条第三款: 对当事人进行教育."""

    manner = forms.ChoiceField(label="教育方式", choices=EducationManner.choices)
    given_on = forms.DateField(
        label="教育日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    content = forms.CharField(
        label="教育内容",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="向当事人讲解的法律规定、违法行为的危害和今后守法的要求，以及当事人的表态",
    )

    def __init__(self, *args: Any, handlers: list[Officer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["given_by"] = forms.ChoiceField(
            label="教育人员", choices=[(str(o.pk), o.name) for o in handlers]
        )
        self.order_fields(["manner", "given_on", "given_by", "content"])
        self.fields["given_on"].initial = timezone.localdate()


def no_penalty_page(case: Case, officer: Officer, *, ground: str = "") -> dict[str, Any] | None:
    """What the case page shows of 不予处罚 (None: nothing — outside 一般程序, or before 调查终结
    or after a decision, without a query)."""
    if case.procedure != Procedure.PENALTY_GENERAL or not in_states(case, SHOWN_STATES):
        return None
    definition = PROCEDURES[case.procedure]
    tiers = no_penalty_tiers(case)
    proposal = proposal_of(case)
    educations = (
        list(case.educations.select_related("given_by").order_by("given_on", "pk"))
        if proposal is not None and proposal.ground in ARTICLE_33
        else []
    )
    may_propose = in_states(case, PROPOSAL_STATES) and definition.open_to(
        "assessment", case, officer
    )
    may_educate = (
        proposal is not None
        and proposal.ground in ARTICLE_33
        and definition.open_to("education", case, officer)
    )
    if not (tiers or proposal or educations or may_propose):
        return None
    # 第三十三条's grounds only under a 不予处罚 tier of the chosen 违法行为.
    grounds = [
        (value, label)
        for value, label in NoPenaltyGround.choices
        if value == NoPenaltyGround.NOT_ESTABLISHED or tiers
    ]
    chosen = bool(ground)
    offered = {value for value, _ in grounds}
    if ground not in offered:
        ground = proposal.ground if proposal and proposal.ground in offered else ""
    if not ground and tiers:
        ground = NoPenaltyGround.FIRST if "首违" in tiers[0].name else NoPenaltyGround.MINOR
    initial: dict[str, Any] = {}
    if proposal is not None and proposal.ground == ground:
        initial = {f"element_{k}": v for k, v in proposal.elements.items()}
        if proposal.tier_id:
            initial["tier"] = str(proposal.tier_id)
    return {
        "tiers": tiers,
        "proposal": proposal,
        "proposal_elements": [
            (label, proposal.elements.get(key, "")) for key, label in ELEMENTS[proposal.ground]
        ]
        if proposal
        else [],
        "may_propose": may_propose,
        "grounds": grounds,
        "ground": ground,
        "form": NoPenaltyForm(ground=ground, tiers=tiers, initial=initial)
        if may_propose and ground
        else None,
        "educations": educations,
        "education_missing": education_refusal(case) if proposal else None,
        "education_form": EducationForm(handlers=list(case.handlers.all()))
        if may_educate
        else None,
        "chosen": chosen,
        "open": may_propose or may_educate,
    }


def no_penalty_read_only(shown: dict[str, Any] | None) -> dict[str, Any] | None:
    """The section as a supervising body's 监督人员 reads it: nothing to do."""
    if shown is None:
        return None
    return {**shown, "may_propose": False, "form": None, "education_form": None, "open": False}
