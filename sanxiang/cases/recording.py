"""The 行政执法音像记录事项清单 as the steps read it: which matter a step is, and whether the case
has a recording of a kind that satisfies it.

A matter's step is a transition of a procedure (``"coercive_measure.enforce"``: the guard
``recorded`` in ``workflow/guards.py`` asks here) or a 送达方式 of the 送达回证
(``"service:留置送达"``: ``documents.inputs_refusal`` asks here). Which matters an agency lists
is data (``RecordingMatter``): the shipped list, replaced or extended by the agency's own rows.
"""

from __future__ import annotations

from django.db.models import Q

from sanxiang.cases.models import Case, RecordingMatter
from sanxiang.evidence.models import EvidenceItem, EvidenceKind

SERVICE_STEP = "service:"
LIST_NAME = "行政执法音像记录事项清单"


def service_step(method: str) -> str:
    """The step key of a 送达方式 (``service:留置送达``)."""
    return f"{SERVICE_STEP}{method}"


def matters_for(agency_id: int) -> list[RecordingMatter]:
    """The agency's list as it applies: the shipped rows, each replaced by the agency's row of
    the same code, plus the agency's own; only those listed (``is_active``), in order."""
    rows = RecordingMatter.objects.filter(Q(agency__isnull=True) | Q(agency_id=agency_id))
    return matters_among(list(rows), agency_id)


def matters_among(rows: list[RecordingMatter], agency_id: int) -> list[RecordingMatter]:
    """``matters_for`` over rows already read (the default rows and any agencies')."""
    found: dict[str, RecordingMatter] = {}
    for row in rows:
        if row.agency_id is None:
            found.setdefault(row.code, row)
    for row in rows:
        if row.agency_id == agency_id:
            found[row.code] = row
    listed = [row for row in found.values() if row.is_active]
    return sorted(listed, key=lambda row: (row.position, row.code))


def kinds_text(matter: RecordingMatter) -> str:
    """录音、录像或全程录像: the labels of the kinds that satisfy the matter."""
    labels = [str(EvidenceKind(k).label) for k in matter.kind_list]
    return "或".join(["、".join(labels[:-1]), labels[-1]]) if len(labels) > 1 else labels[0]


def manner_text(matter: RecordingMatter) -> str:
    """全程音像记录 when only a full recording satisfies the matter, else 音像记录."""
    return "全程音像记录" if matter.kind_list == [EvidenceKind.FULL_VIDEO] else "音像记录"


def has_recording(case: Case, matter: RecordingMatter) -> bool:
    """Whether the case has a record of a kind that satisfies the matter."""
    if not case.number:
        return False
    return EvidenceItem.objects.filter(
        case_number=case.number, agency_id=case.agency_id, kind__in=matter.kind_list
    ).exists()


def missing_recording(
    case: Case, step: str, matters: list[RecordingMatter] | None = None
) -> str | None:
    """Why ``step`` may not be taken on ``case`` for want of a recording the agency's list
    requires (naming the matter, the manner and the kinds, with the row's basis), or None.
    ``matters``: the agency's ``matters_for`` when the caller has read them already."""
    for matter in matters_for(case.agency_id) if matters is None else matters:
        if matter.step == step and not has_recording(case, matter):
            return (
                f"{matter.matter}须有{manner_text(matter)}（{kinds_text(matter)}），本案尚无；"
                f"请先登记本案（{case.number or '未编号'}）的{kinds_text(matter)}"
                f"（依据：{matter.basis}）"
            )
    return None


def recording_refusal(case: Case, step: str) -> str | None:
    """``missing_recording`` citing the list, for callers outside the engine (the engine
    appends a guard's basis itself)."""
    missing = missing_recording(case, step)
    return f"{missing}（{LIST_NAME}）" if missing else None
