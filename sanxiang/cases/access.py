"""Who may do what to a case: the one place that decides it (DESIGN.md rule 6).

``Case.objects.visible_to(actor, action)`` keeps only the cases ``actor`` may perform
``action`` on. Selectors, services and views fetch a case through it, so a case of another
agency (or outside the officer's scope) is answered exactly like a case that does not exist.

- ``VIEW`` (open the case page, list it in 我的案件): an officer on duty sees the cases of his
  unit, the cases he handles and — as a 法制审核人员 — the cases sent to him for review
  (``review_gate().scope``); a 负责人 sees every case of his agency; a 监督人员 of a
  行政执法监督机构 sees every case of every agency in the body's area
  (``org.selectors.supervised_agency_ids``) — read-only: no other action reaches them.
- ``ACT`` (reach a case to record a step, an assessment, a payment …): the case belongs to the
  actor's agency; the step then applies its own rules (roles, state, on duty), with its own
  message.
- ``CHANGE`` (edit the case, make its documents, record its execution, issue the party's
  查询码): an officer on duty of the case's agency who handles the case or is a 负责人.
- ``AUDIT`` (read who opened the case page): an officer on duty of the case's unit or one who
  handles it, and the agency's 负责人 and 监督人员.

Nobody (no officer, or an officer taken off duty) may ``VIEW``, ``CHANGE`` or ``AUDIT``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Q

from sanxiang.cases.gate import review_gate
from sanxiang.org.models import Officer, Role
from sanxiang.org.selectors import supervised_agency_ids

if TYPE_CHECKING:
    from sanxiang.cases.models import Case

NOTHING = Q(pk__in=[])


class CaseAction(StrEnum):
    VIEW = "view"
    ACT = "act"
    CHANGE = "change"
    AUDIT = "audit"


def handled_rule(officer: Officer) -> Q:
    """The cases ``officer`` handles (承办), as a filter on ``Case``; his duty is not asked.
    EXISTS rather than a join, so lists need no DISTINCT and stay an index walk."""
    handled = Officer.handled_cases.through.objects.filter(
        case_id=OuterRef("pk"), officer_id=officer.pk
    )
    return Q(Exists(handled))


def case_rule(actor: Officer | None, action: CaseAction | str) -> Q:
    """The cases ``actor`` may perform ``action`` on, as a filter on ``Case``."""
    action = CaseAction(action)
    if actor is None:
        return NOTHING
    agency = Q(agency_id=actor.unit.agency_id)
    if action == CaseAction.ACT:
        return agency
    if not actor.is_active:
        return NOTHING
    if action == CaseAction.VIEW:
        # A 监督人员 of a supervising body reads the cases of the agencies in its area.
        supervised = supervised_agency_ids(actor)
        above = Q(agency_id__in=sorted(supervised)) if supervised else NOTHING
        if actor.has_role(Role.HEAD):
            return agency | above
        # A 法制审核人员 reads the cases sent to him for review (DESIGN.md rule 6).
        own = Q(unit_id=actor.unit_id) | handled_rule(actor) | review_gate().scope(actor)
        return own | above if supervised else own
    if action == CaseAction.CHANGE:
        return agency if actor.has_role(Role.HEAD) else agency & handled_rule(actor)
    # AUDIT
    if actor.has_role(Role.HEAD) or actor.has_role(Role.SUPERVISOR):
        return agency
    return Q(unit_id=actor.unit_id) | handled_rule(actor)


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, actor: Officer | None, action: CaseAction | str) -> CaseQuerySet:
        """Only the cases ``actor`` may perform ``action`` on."""
        return self.filter(case_rule(actor, action))

    def handled_by(self, actor: Officer) -> CaseQuerySet:
        """The cases ``actor`` handles, as far as he may ``VIEW`` them: all of them while he
        is on duty (the rule's "cases he handles"), none otherwise — without asking the rest
        of the rule (his unit's cases, those under his review) of every row."""
        if not actor.is_active:
            return self.none()
        return self.filter(handled_rule(actor))


def case_allows(actor: Officer | None, action: CaseAction | str, case: Case) -> bool:
    """Whether ``actor`` may perform ``action`` on ``case`` (the same rule, for one row)."""
    manager = type(case).objects
    return bool(manager.visible_to(actor, action).filter(pk=case.pk).exists())


def case_supervised_only(actor: Officer | None, case: Case) -> bool:
    """Whether ``actor`` sees ``case`` only as a 监督人员 of a supervising body (not as an
    officer of its agency): such a view is read-only and recorded with its reason."""
    return (
        actor is not None
        and case.agency_id != actor.unit.agency_id
        and case.agency_id in supervised_agency_ids(actor)
    )
