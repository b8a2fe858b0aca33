"""The cases an officer may file evidence under, as the evidence app asks (evidence/casefiles.py).

The same rule as the case page's 为本案登记证据: a case he may change (``CaseAction.CHANGE``)
and handles (a 负责人 may change every case of his agency, but files evidence only under the
ones he handles), that has not ended (不予立案 or 归档).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from sanxiang.cases.access import CaseAction
from sanxiang.cases.labels import procedure_label
from sanxiang.cases.models import Case, evidence_reference, provisional_reference
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.evidence.casefiles import CaseChoice, install_case_files
from sanxiang.org.models import Officer

MOST = 500  # more than any officer handles at once


def _ended() -> Q:
    ended = Q(pk__in=[])
    for code, definition in PROCEDURES.items():
        if definition.terminal:
            ended |= Q(procedure=code, state__in=sorted(definition.terminal))
    return ended


def _open_and_handled(officer: Officer) -> QuerySet[Case]:
    handled = Officer.handled_cases.through.objects.filter(
        case_id=OuterRef("pk"), officer_id=officer.pk
    )
    return (
        Case.objects.visible_to(officer, CaseAction.CHANGE)
        .filter(Exists(handled))
        .exclude(_ended())
    )


def _by_reference(reference: str) -> Q:
    """The case whose evidence is filed under ``reference`` (its number, or before 立案 the
    provisional ``未编号案件-<id>``)."""
    provisional = provisional_reference(0).removesuffix("0")
    if reference.startswith(provisional) and reference[len(provisional) :].isdigit():
        return Q(pk=int(reference[len(provisional) :]), number__isnull=True)
    return Q(number=reference)


class CasesForEvidence:
    def may_file(self, officer: Officer, reference: str) -> bool:
        return (
            bool(reference) and _open_and_handled(officer).filter(_by_reference(reference)).exists()
        )

    def choices(self, officer: Officer) -> list[CaseChoice]:
        rows = (
            _open_and_handled(officer)
            .order_by("-pk")
            .only("pk", "number", "title", "procedure")[:MOST]
        )
        return [
            CaseChoice(
                reference=evidence_reference(case),
                title=case.title,
                group=procedure_label(case.procedure) or "其他案件",
            )
            for case in rows
        ]


def register_evidence_files() -> None:
    install_case_files(CasesForEvidence())
