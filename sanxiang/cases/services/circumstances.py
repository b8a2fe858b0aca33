"""裁量情节 of a case: which 从轻、减轻、从重 or 不予处罚 circumstances of its 违法行为 apply, each
with the evidence or record that shows it (行政处罚法第三十二条、第三十三条)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from sanxiang.cases.documents import is_available
from sanxiang.cases.events import circumstances_set
from sanxiang.cases.models import Case, CaseCircumstance, CaseDocument, evidence_reference
from sanxiang.cases.notified import against_party
from sanxiang.cases.services._common import CaseRefused, _case_for_update
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.cases.workflow.engine import in_states
from sanxiang.discretion.selectors import circumstances_for
from sanxiang.evidence.models import EvidenceItem
from sanxiang.org.models import Officer

NOTE_MAX = 300

# Declared on the procedures (workflow/definitions.py, activity ``circumstances``): open to the
# handlers until the proposal goes to 法制审核, and again when it comes back.
CIRCUMSTANCES_OPEN_IN: dict[str, frozenset[str]] = {
    code: definition.open_in("circumstances") for code, definition in PROCEDURES.items()
}


@dataclass(frozen=True)
class Tick:
    """One 情节 the handler ticked, with the evidence items and case documents that show it."""

    circumstance_id: int
    evidence_ids: tuple[int, ...] = ()
    document_ids: tuple[int, ...] = ()
    note: str = ""


def _circumstances_open(case: Case, actor: Officer) -> None:
    if not case.handlers.filter(pk=actor.pk).exists():
        raise CaseRefused(
            "只有本案承办人可以登记裁量情节。", log_message=f"{actor.pk} not handler of {case.pk}"
        )
    if not in_states(case, CIRCUMSTANCES_OPEN_IN.get(case.procedure, frozenset())):
        state = PROCEDURES[case.procedure].states.get(case.state, case.state)
        raise CaseRefused(
            f"案件处于“{state}”，裁量情节已不能修改（提交法制审核后或作出决定后不能修改；审核退回后可以修改）。",
            log_message=f"case {case.pk} circumstances frozen in {case.state}",
        )


def _rows_written(case: Case, actor: Officer, ticks: list[Tick]) -> list[CaseCircumstance]:
    if ticks and case.discretion_violation is None:
        raise CaseRefused(
            "请先按裁量基准选用违法行为，再登记裁量情节。",
            log_message=f"case {case.pk}: circumstances without a violation",
        )
    valid = (
        {c.pk: c for c in circumstances_for(case.discretion_violation)}
        if case.discretion_violation is not None
        else {}
    )
    if len({t.circumstance_id for t in ticks}) != len(ticks):
        raise CaseRefused("同一情节只能登记一次。", log_message=f"case {case.pk}: repeated tick")
    reference = evidence_reference(case)
    made = []
    for tick in ticks:
        circumstance = valid.get(tick.circumstance_id)
        if circumstance is None:
            raise CaseRefused(
                "所选情节不属于本案违法行为适用的裁量基准，请重新选择。",
                log_message=f"case {case.pk}: circumstance {tick.circumstance_id} not valid",
            )
        note = " ".join(tick.note.split())
        if len(note) > NOTE_MAX or "\x00" in note:
            raise CaseRefused(
                f"情节说明不能超过 {NOTE_MAX} 字，且不能含有无法保存的字符。",
                log_message=f"case {case.pk}: bad note",
            )
        evidence = list(
            EvidenceItem.objects.filter(
                pk__in=tick.evidence_ids, case_number=reference, agency_id=case.agency_id,
                superseded_by__isnull=True,
            )
        )  # fmt: skip
        documents = list(CaseDocument.objects.filter(pk__in=tick.document_ids, case=case))
        if len(evidence) != len(set(tick.evidence_ids)) or len(documents) != len(
            set(tick.document_ids)
        ):
            raise CaseRefused(
                f"情节“{circumstance.text[:30]}”所引的证据或文书不是本案的，请从本案证据中选择。",
                log_message=f"case {case.pk}: evidence of another case",
            )
        if not evidence and not documents:
            raise CaseRefused(
                f"请为情节“{circumstance.text[:30]}”选择证明该情节的证据或笔录。",
                log_message=f"case {case.pk}: circumstance without evidence",
            )
        row = CaseCircumstance.objects.create(
            case=case, circumstance=circumstance, note=note, set_by=actor
        )
        row.evidence.set(evidence)
        row.documents.set(documents)
        made.append(row)
    return made


def case_circumstances_set(
    *, actor: Officer, case_id: int, ticks: list[Tick]
) -> list[CaseCircumstance]:
    """登记裁量情节: the handler's ticks replace the case's recorded 情节, each with its evidence
    (of this case only) — one transaction, one ledger event ``cases.case.circumstances_set``.
    After 事先告知, a change against the party is refused where no new notice can be made
    (``cases.notified``); where one can, the steps onward wait for it."""
    with transaction.atomic():
        case = _case_for_update(case_id, actor)
        _circumstances_open(case, actor)
        CaseCircumstance.objects.filter(case=case).delete()
        rows = _rows_written(case, actor, ticks)
        changed = against_party(case, [row.circumstance for row in rows])
        if changed and not is_available("advance_notice", case):
            # No new 事先告知书 can be made in this state, so the party could never answer it.
            state = PROCEDURES[case.procedure].states.get(case.state, case.state)
            raise CaseRefused(
                f"{changed}。案件处于“{state}”，已不能重新事先告知，对当事人不利的情节变化不能登记"
                "（行政处罚法第四十四条、第四十五条）。",
                log_message=f"case {case.pk}: circumstances against the party after notice",
            )
        circumstances_set(case, actor, rows)
    return rows


def circumstances_prune(case: Case, actor: Officer) -> None:
    """After the 违法行为 changed (or was dropped): remove the 情节 not valid for it, recorded as
    a ``circumstances_set`` event listing those that remain. Inside the caller's transaction."""
    rows = list(CaseCircumstance.objects.filter(case=case).select_related("circumstance"))
    if not rows:
        return
    violation = case.discretion_violation
    valid = {c.pk for c in circumstances_for(violation)} if violation is not None else set()
    dropped = [row.pk for row in rows if row.circumstance_id not in valid]
    if not dropped:
        return
    CaseCircumstance.objects.filter(pk__in=dropped).delete()
    kept = list(
        CaseCircumstance.objects.filter(case=case).prefetch_related("evidence", "documents")
    )
    circumstances_set(case, actor, kept)
