"""The cases an officer may file evidence under, as the evidence app asks (evidence/casefiles.py).

The same rule as the case page's 为本案登记证据: a case he may change (``CaseAction.CHANGE``:
one he handles, or any of his agency's cases for a 负责人) that has not ended (未立案 or 归档).
"""

from __future__ import annotations

from django.db.models import Q

from sanxiang.cases.access import CaseAction
from sanxiang.cases.models import Case, evidence_reference
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.evidence.casefiles import CaseChoice, install_case_files
from sanxiang.org.models import Officer

MOST = 500  # more than any officer handles; a 负责人 sees the most recent of his agency's


def _ended() -> Q:
    ended = Q(pk__in=[])
    for code, definition in PROCEDURES.items():
        if definition.terminal:
            ended |= Q(procedure=code, state__in=sorted(definition.terminal))
    return ended


class CasesForEvidence:
    def choices(self, officer: Officer) -> list[CaseChoice]:
        rows = (
            Case.objects.visible_to(officer, CaseAction.CHANGE)
            .exclude(_ended())
            .order_by("-pk")
            .only("pk", "number", "title", "procedure")[:MOST]
        )
        mine = set(
            Officer.handled_cases.through.objects.filter(
                officer_id=officer.pk, case_id__in=[c.pk for c in rows]
            ).values_list("case_id", flat=True)
        )
        made = [
            CaseChoice(
                reference=evidence_reference(case),
                title=f"{case.title}（{PROCEDURES[case.procedure].label}）"
                if case.procedure in PROCEDURES
                else case.title,
                group="我承办的案件" if case.pk in mine else "本机关其他案件",
            )
            for case in rows
        ]
        return sorted(made, key=lambda c: c.group != "我承办的案件")


def register_evidence_files() -> None:
    install_case_files(CasesForEvidence())
