"""Writes of the supervision app: each in one transaction with its ledger event."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from sanxiang.cases.access import CaseAction
from sanxiang.cases.models import Case
from sanxiang.errors import DomainError
from sanxiang.evidence.access import EvidenceAction
from sanxiang.evidence.models import EvidenceItem
from sanxiang.org.models import Officer, SupervisoryBody
from sanxiang.supervision.events import interference_recorded
from sanxiang.supervision.models import Interference, InterferenceManner

log = logging.getLogger(__name__)


class InterferenceRefused(DomainError):
    pass


@dataclass(frozen=True)
class InterferenceInput:
    case_id: int
    intervener_name: str
    intervener_position: str
    intervener_id: int | None
    occurred_at: datetime
    manner: str
    request: str
    response: str = ""
    evidence_reference: str = ""


def interference_record(*, actor: Officer, data: InterferenceInput) -> Interference:
    """干预记录: ``actor`` (an officer on duty who may see the case) records an attempt to
    interfere in it. Append-only; the ledger event goes to the supervising body's log."""
    if not actor.is_active:
        raise InterferenceRefused("您当前不在岗，不能登记干预记录。")
    if data.manner not in InterferenceManner.values:
        raise InterferenceRefused("请选择干预方式。")
    if not data.intervener_name.strip() or not data.request.strip():
        raise InterferenceRefused("请填写干预人姓名和干预内容。")
    if data.occurred_at > timezone.now():
        raise InterferenceRefused("干预时间不能晚于现在。")
    if data.intervener_id is not None and data.intervener_id == actor.pk:
        raise InterferenceRefused("干预人不能是记录人本人。")
    reference = data.evidence_reference.strip()
    if reference and not (
        EvidenceItem.objects.visible_to(actor, EvidenceAction.VIEW)
        .filter(record_id=reference)
        .exists()
    ):
        raise InterferenceRefused(
            "未找到该证据编号，或者您无权调阅该证据。请先存证，再填写其记录编号。"
        )
    with transaction.atomic():
        case = (
            Case.objects.visible_to(actor, CaseAction.VIEW)
            .filter(pk=data.case_id, agency_id=actor.unit.agency_id)
            .first()
        )
        if case is None:
            raise InterferenceRefused(
                "未找到该案件，或者该案件不属于本单位。",
                log_message=f"interference on case {data.case_id} refused for officer {actor.pk}",
            )
        interference = Interference.objects.create(
            case=case,
            agency_id=case.agency_id,
            recorded_by=actor,
            intervener_name=data.intervener_name.strip(),
            intervener_position=data.intervener_position.strip(),
            intervener_id=data.intervener_id,
            occurred_at=data.occurred_at,
            manner=data.manner,
            request=data.request.strip(),
            response=data.response.strip(),
            evidence_reference=reference,
        )
        body = SupervisoryBody.objects.filter(agencies__id=case.agency_id).first()
        interference_recorded(
            interference,
            actor=actor.ledger_actor,
            log_agency_id=body.agency_id if body is not None else None,
        )
    log.info("interference %s recorded on case %s", interference.pk, case.pk)
    return interference
