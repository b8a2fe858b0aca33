"""What the system can check for the reviewer from its own data, point by point.

These are aids, shown beside the opinion form: the reviewer still writes every conclusion.
Each check returns True (found in order), False (a problem found) or None (the system cannot
tell; the reviewer must look).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from sanxiang.cases.circumstances import case_discretion
from sanxiang.cases.documents import KINDS
from sanxiang.cases.labels import case_event_label
from sanxiang.cases.models import Case, CaseDocument
from sanxiang.cases.no_penalty import ARTICLE_33, elements_text, proposal_of, proposal_refusal
from sanxiang.cases.notified import NEW_NOTICE, against_party
from sanxiang.cases.recording_rows import recording_checks
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.core.identifiers import credit_code_problem
from sanxiang.discretion.selectors import benchmark_in_force, fine_check, violation_with_tiers
from sanxiang.evidence.models import EvidenceItem, EvidenceKind
from sanxiang.ledger.models import LedgerEntry


@dataclass(frozen=True)
class Precheck:
    point: str
    ok: bool | None
    text: str


def _certificates(case: Case, day: date, label: str) -> Precheck:
    problems = []
    count = 0
    for officer in case.handlers.prefetch_related("certificates__categories"):
        count += 1
        certificate = officer.certificate_valid_on(day)
        if certificate is None:
            problems.append(f"{officer.name}于{label}（{day:%Y-%m-%d}）无有效执法证")
        elif not any(c.pk == case.category_id for c in certificate.categories.all()):
            problems.append(f"{officer.name}的执法证不含执法类别“{case.category.name}”")
    if count < 2:
        problems.append(f"承办人仅 {count} 名")
    if problems:
        return Precheck("qualification", False, "；".join(problems))
    return Precheck("qualification", True, f"{count} 名承办人于{label}均持有有效执法证，类别相符")


def _discretion(case: Case) -> Precheck:
    """裁量基准运用是否适当: the 违法行为 the handlers chose and where the proposed fine falls."""
    if case.discretion_violation_id is None:
        if benchmark_in_force(case.agency_id) is not None:
            return Precheck(
                "discretion", None, "承办人未从本机关裁量基准中选用违法行为，请人工核对裁量是否适当"
            )
        return Precheck("discretion", None, "本机关尚无现行有效的裁量基准，请人工核对裁量是否适当")
    violation = violation_with_tiers(case.discretion_violation_id)
    if violation is None:  # PROTECTed: cannot happen
        return Precheck("discretion", None, "请人工核对裁量是否适当")
    check = fine_check(violation, case.fine_yuan)
    where = f"违法行为：{violation.code} {violation.name}（{violation.benchmark.title}）"
    found = case_discretion(case)
    # 情节 changed against the party since the 事先告知书 (cases.notified): a new notice first.
    changed = against_party(case)
    notice_change = f"；{changed}；{NEW_NOTICE}" if changed else ""
    applicable = ""
    if found is not None:
        # 裁量是否适当: the tier the recorded 情节 point to, its range, the proposal, the reasons.
        tier = found.tier.name if found.tier else f"{found.tier_kind.label}（裁量基准未规定）"
        proposal = f"拟罚款 {case.fine_yuan} 元" if case.fine_yuan is not None else "未拟罚款"
        applicable = f"；{found.why}；适用阶次：{tier}，幅度：{found.range_text or '—'}；{proposal}"
        if found.outside:
            reasons = case.discretion_reasons or "（未写明）"
            return Precheck(
                "discretion", False,
                f"{where}{applicable}；{found.outside}，承办人说明的理由：{reasons}"
                + "".join(f"；{p}" for p in check.problems)
                + notice_change,
            )  # fmt: skip
    if notice_change:
        return Precheck("discretion", False, f"{where}{applicable}{notice_change}")
    if check.problems:
        return Precheck("discretion", False, f"{where}{applicable}；" + "；".join(check.problems))
    if check.tier is not None:
        return Precheck(
            "discretion", True, f"{where}{applicable}；拟罚款在“{check.tier.name}”阶次的幅度内"
        )
    return Precheck("discretion", None, f"{where}{applicable}；请核对拟处罚与裁量阶次是否相符")


def _no_penalty(case: Case) -> Precheck | None:
    """拟不予处罚 (行政处罚法第三十三条): the ground, the 裁量基准's 不予处罚 tier it is proposed
    under, what shows each element, and whether the party's education is on record."""
    proposal = proposal_of(case)
    if proposal is None:
        return None
    problem = proposal_refusal(case)
    parts = [f"拟不予处罚：{proposal.get_ground_display()}"]
    if proposal.tier is not None:
        parts.append(f"适用裁量阶次“{proposal.tier.name}”（{proposal.tier.conditions}）")
    parts.append(f"适用情形及其证明：{elements_text(proposal)}")
    if proposal.ground in ARTICLE_33:
        educated = case.educations.exists()
        parts.append(
            "已登记对当事人的教育" if educated else "尚未登记对当事人的教育（第三十三条第三款）"
        )
    if problem is not None:
        parts.append(problem)
    return Precheck("discretion", False if problem else None, "；".join(parts))


def prechecks(case: Case) -> list[Precheck]:
    today = timezone.localdate()
    checks = [
        Precheck(
            "subject",
            credit_code_problem(case.agency.credit_code) is None,
            f"执法主体：{case.agency.name}（统一社会信用代码 {case.agency.credit_code}）；"
            "职权依据请对照本机关权责清单",
        ),
        _certificates(case, case.registered_on or case.clue_received_on, "立案日"),
        _certificates(case, today, "今日"),
    ]
    steps = list(
        LedgerEntry.objects.filter(object_type="cases.case", object_id=str(case.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    definition = PROCEDURES.get(case.procedure)
    done = [case_event_label(s, definition) for s in steps]
    procedure_problems = []
    if case.decision_due_on and today > case.decision_due_on:
        procedure_problems.append(f"已超过作出决定期限（{case.decision_due_on:%Y-%m-%d}）")
    if case.procedure == "penalty_general" and case.notified_on is None:
        procedure_problems.append("未见事先告知记录")
    if case.hearing_right and case.notified_on and case.hearing_held_on is None:
        procedure_problems.append("属于听证范围，当事人未要求听证或听证尚未举行，请核对")
    checks.append(
        Precheck(
            "procedure",
            not procedure_problems,
            "；".join(procedure_problems) or "已办理环节：" + "→".join(done),
        )
    )
    checks.append(
        Precheck(
            "facts",
            bool(case.facts.strip()) or None,
            "已写明违法事实" if case.facts.strip() else "未写明违法事实",
        )
    )
    evidence = (
        EvidenceItem.objects.filter(case_number=case.number, agency_id=case.agency_id)
        if case.number
        else EvidenceItem.objects.none()
    )
    kinds = sorted({EvidenceKind(k).label for k in evidence.values_list("kind", flat=True)})
    checks.append(
        Precheck(
            "evidence",
            None if kinds else False,
            f"已登记证据 {evidence.count()} 件（{'、'.join(kinds)}）；合法性和充分性须人工审查"
            if kinds
            else "系统中未登记任何证据",
        )
    )
    # The agency's 音像记录事项清单: each listed matter that applies to this case.
    checks += [
        Precheck("evidence", c.ok, f"音像记录事项“{c.matter}”：{c.text}")
        for c in recording_checks(case)
    ]
    checks.append(Precheck("law", None, "请核对违法依据和处罚依据的条款"))
    checks.append(_discretion(case))
    no_penalty = _no_penalty(case)
    if no_penalty is not None:
        checks.append(no_penalty)
    documents = sorted(
        {
            KINDS[k].label if k in KINDS else k
            for k in CaseDocument.objects.filter(case=case).values_list("kind", flat=True)
        }
    )
    checks.append(
        Precheck(
            "documents",
            None if documents else False,
            f"系统中已生成文书：{'、'.join(documents)}" if documents else "系统中尚未生成任何文书",
        )
    )
    return checks
