"""A small engine over declared procedures: which actions a case allows now, and why not.

The declarations (``definitions.py``) are data; everything else — enforcement in the
services, the buttons and their disabled reasons, the published 执法流程图, deadlines —
reads them (DESIGN.md rule 2).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

from sanxiang.core.deadlines import Deadline
from sanxiang.core.workdays import WorkdayCalendar
from sanxiang.errors import DomainError

if TYPE_CHECKING:
    from sanxiang.cases.models import Case
    from sanxiang.org.models import Officer


@dataclass(frozen=True)
class GuardContext:
    """What a guard may look at: the case, who acts, today, and the working-day calendar."""

    case: Case
    actor: Officer
    today: date
    calendar: WorkdayCalendar

    @cached_property
    def handlers(self) -> list[Officer]:
        """The case's handlers with their roles and certificates, read once per context: the
        engine, several guards and the case page all ask."""
        from django.db.models import Prefetch

        from sanxiang.org.models import Certificate

        certificates = Certificate.objects.prefetch_related("categories")
        return list(
            self.case.handlers.prefetch_related(
                "roles", Prefetch("certificates", queryset=certificates)
            )
        )

    @cached_property
    def handler_ids(self) -> frozenset[int]:
        return frozenset(officer.pk for officer in self.handlers)


@dataclass(frozen=True)
class Guard:
    """A named legal condition on a transition; ``check`` returns why it fails, or None."""

    name: str
    basis: str
    check: Callable[[GuardContext], str | None]

    def refusal(self, context: GuardContext) -> Refusal | None:
        message = self.check(context)
        return Refusal(self.name, f"{message}（{self.basis}）") if message else None


@dataclass(frozen=True)
class Refusal:
    guard: str
    message: str


class TransitionRefused(DomainError):
    """The case cannot take this step now; ``refusal.message`` says why, citing the law."""

    def __init__(self, refusal: Refusal, *, case_id: int | None, action: str) -> None:
        self.refusal = refusal
        super().__init__(
            refusal.message,
            log_message=f"case {case_id}: {action} refused by {refusal.guard}",
        )


@dataclass(frozen=True)
class Transition:
    """One step a case can take: from which states, to which, by whom, under which guards.

    ``deadline`` is the time limit of the step the case enters (stored as its due date).
    ``via`` names the module whose page records the step with what it needs (e.g. ``review``:
    an opinion written point by point); the case page links there instead of offering a button.
    """

    action: str
    label: str
    source: frozenset[str]
    target: str
    roles: frozenset[str]
    guards: tuple[Guard, ...] = ()
    deadline: Deadline | None = None
    handlers_only: bool = False
    basis: str = ""
    via: str = ""


@dataclass(frozen=True)
class ProcedureDefinition:
    """A procedure (程序) as states and transitions."""

    code: str
    label: str
    initial: str
    states: dict[str, str]
    transitions: tuple[Transition, ...]
    terminal: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        for transition in self.transitions:
            unknown = (transition.source | {transition.target}) - self.states.keys()
            if unknown:
                raise ValueError(f"{self.code}.{transition.action}: unknown states {unknown}")

    def transition(self, action: str) -> Transition:
        for transition in self.transitions:
            if transition.action == action:
                return transition
        raise KeyError(action)

    def refusal(self, transition: Transition, context: GuardContext) -> Refusal | None:
        """The first reason ``transition`` may not happen now, or None if it may."""
        case, actor = context.case, context.actor
        if case.state not in transition.source:
            now = self.states.get(case.state, case.state)
            return Refusal("state", f"案件当前处于“{now}”，不能进行“{transition.label}”。")
        if actor.unit.agency_id != case.agency_id or not actor.is_active:
            return Refusal("agency", "只有本执法主体的在岗人员可以办理本案。")
        if not any(actor.has_role(role) for role in transition.roles):
            from sanxiang.org.models import Role

            names = "、".join(str(Role(role).label) for role in sorted(transition.roles))
            return Refusal("role", f"“{transition.label}”须由{names}办理。")
        if transition.handlers_only and actor.pk not in context.handler_ids:
            return Refusal("handler", f"只有本案承办人可以进行“{transition.label}”。")
        for guard in transition.guards:
            refused = guard.refusal(context)
            if refused:
                return refused
        return None

    def options(self, context: GuardContext) -> list[tuple[Transition, Refusal | None]]:
        """Every transition out of the case's state, each with why it is refused (or None)."""
        return [
            (transition, self.refusal(transition, context))
            for transition in self.transitions
            if context.case.state in transition.source
        ]
