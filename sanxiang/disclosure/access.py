"""Who may do what to a publication record in the office (the staff side of 执法公示): the
one place that decides it (DESIGN.md rule 6). What the public sees is ``disclosure.public``.

``Publication.objects.visible_to(actor, action)`` keeps only the records ``actor`` may perform
``action`` on; selectors, services and views fetch a record through it, so a record of another
agency is answered exactly like a record that does not exist.

- ``VIEW`` (open the record, list it, see its warnings and failed pushes): an officer on duty
  sees the records of his unit's cases and of the acts his agency recorded (acts); a 负责人,
  法制审核人员 or 监督人员 sees all of his agency's.
- ``ACT`` (reach a record to confirm, correct, withdraw, exempt, set its credit term, retry a
  push): an officer on duty of the record's agency; the step then applies its own rules
  (负责人 or 法制审核人员, not a handler of the case …), with its own message.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from sanxiang.org.models import Officer, Role

if TYPE_CHECKING:
    from sanxiang.disclosure.models import Publication  # noqa: F401 (the QuerySet's type argument)

NOTHING = Q(pk__in=[])
AGENCY_WIDE = (Role.HEAD, Role.REVIEWER, Role.SUPERVISOR)


class PublicationAction(StrEnum):
    VIEW = "view"
    ACT = "act"


def publication_rule(actor: Officer | None, action: PublicationAction | str) -> Q:
    """The publication records ``actor`` may perform ``action`` on, as a filter."""
    action = PublicationAction(action)
    if actor is None or not actor.is_active:
        return NOTHING
    agency = Q(agency_id=actor.unit.agency_id)
    if action == PublicationAction.ACT:
        return agency
    if any(actor.has_role(role) for role in AGENCY_WIDE):
        return agency
    # A recorded act (acts: 行政许可 …) has no case or handling unit: the agency's officers see
    # its record as they see the act itself (acts.selectors).
    return agency & (Q(case__unit_id=actor.unit_id) | Q(case__isnull=True))


class PublicationQuerySet(models.QuerySet["Publication"]):
    def visible_to(
        self, actor: Officer | None, action: PublicationAction | str
    ) -> PublicationQuerySet:
        """Only the records ``actor`` may perform ``action`` on."""
        return self.filter(publication_rule(actor, action))
