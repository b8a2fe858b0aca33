"""Who may see which evidence record (调阅 scope): the one place that decides it (DESIGN.md
rule 6).

``EvidenceItem.objects.visible_to(actor, action)`` keeps only the records ``actor`` may perform
``action`` on; anyone else is told the record does not exist, whether or not it does.

- ``BROWSE`` (lists, target pages, access histories, corrections): an officer on duty sees the
  records of his own unit (承办机构) without giving a reason;
- ``VIEW`` (open a record, download it, find it by a reasoned case search): besides his own
  unit's, a 负责人 may look at every record of his agency and a 监督人员 at every record of
  every agency — but only by stating a reason (``access_decision``), and every look is
  recorded (``evidence_open``). A supervising body's 监督人员 (``org.SupervisoryBody``) looks
  only at the records of the agencies of his body's area (and his own agency's), likewise with a
  reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from sanxiang.org.models import Officer, Role
from sanxiang.org.selectors import supervised_agency_ids, supervisory_body_of

if TYPE_CHECKING:
    from sanxiang.evidence.models import EvidenceItem

NOTHING = Q(pk__in=[])


class EvidenceAction(StrEnum):
    BROWSE = "browse"
    VIEW = "view"


def evidence_rule(actor: Officer | None, action: EvidenceAction | str) -> Q:
    """The records ``actor`` may perform ``action`` on, as a filter on ``EvidenceItem``."""
    action = EvidenceAction(action)
    if actor is None or not actor.is_active:
        return NOTHING
    own_unit = Q(unit_id=actor.unit_id)
    if action == EvidenceAction.BROWSE:
        return own_unit
    if supervisory_body_of(actor) is not None:
        area = sorted(supervised_agency_ids(actor) | {actor.unit.agency_id})
        return own_unit | Q(agency_id__in=area)
    if actor.has_role(Role.SUPERVISOR):
        return Q()
    if actor.has_role(Role.HEAD):
        return own_unit | Q(agency_id=actor.unit.agency_id)
    return own_unit


class EvidenceQuerySet(models.QuerySet["EvidenceItem"]):
    def visible_to(self, actor: Officer | None, action: EvidenceAction | str) -> EvidenceQuerySet:
        """Only the records ``actor`` may perform ``action`` on."""
        return self.filter(evidence_rule(actor, action))


@dataclass(frozen=True)
class AccessDecision:
    allowed: bool
    reason_required: bool


def access_decision(officer: Officer, item: EvidenceItem) -> AccessDecision:
    """Whether ``officer`` may look at ``item`` (``VIEW``, decided on the loaded row), and
    whether he must say why (a record outside his own unit)."""
    if not officer.is_active:
        return AccessDecision(False, False)
    if item.unit_id == officer.unit_id:
        return AccessDecision(True, False)
    if officer.has_role(Role.HEAD) and item.agency_id == officer.unit.agency_id:
        return AccessDecision(True, True)
    if supervisory_body_of(officer) is not None:
        area = supervised_agency_ids(officer) | {officer.unit.agency_id}
        return AccessDecision(item.agency_id in area, item.agency_id in area)
    if officer.has_role(Role.SUPERVISOR):
        return AccessDecision(True, True)
    return AccessDecision(False, False)
