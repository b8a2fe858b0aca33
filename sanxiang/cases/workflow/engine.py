"""A small engine over declared procedures: which actions a case allows now, and why not.

The declarations (``definitions.py``) are data; everything else — enforcement in the
services, the buttons and their disabled reasons, the published 执法流程图, deadlines —
reads them (DESIGN.md rule 2).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

from django.db.models import TextChoices

from sanxiang.cases.workflow.effects import COUNT_FROM_TODAY, Due, Effect
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

        loaded = getattr(self.case, "_prefetched_objects_cache", {}).get("handlers")
        if loaded is not None:  # with roles and certificates (``case_page_prefetch``)
            return list(loaded)
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

    ``deadline`` is the time limit of the step the case enters (stored as its due date);
    ``due`` says which date that is (counted from today, or the date a clock of the case runs
    out). ``effects`` are what the step does besides changing the state — numbers, dates,
    clocks, follow-up cases — applied in the order declared (``effects.py``).
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
    effects: tuple[Effect, ...] = ()
    due: Due = COUNT_FROM_TODAY

    def __post_init__(self) -> None:
        # States may be given as enum members; what is stored and compared is the plain value.
        object.__setattr__(self, "source", _values(self.source))
        object.__setattr__(self, "target", str(self.target))


@dataclass(frozen=True)
class Activity:
    """Work done within a step, not a step itself (拟处理意见, 违法依据, 缴款 …): the states in
    which it is open and who may do it — officers with one of ``roles``, and the case's own
    handlers if ``handlers``. Services refuse it elsewhere; pages offer it there."""

    name: str
    label: str
    states: frozenset[str]
    roles: frozenset[str] = frozenset()
    handlers: bool = False
    basis: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "states", _values(self.states))

    def open_to(self, case: Case, actor: Officer) -> bool:
        """Whether ``actor`` may do this on ``case`` now (its state, his roles or handling)."""
        if case.state not in self.states:
            return False
        if any(actor.has_role(role) for role in self.roles):
            return True
        # .all(): the case page loads the handlers once for all its activities.
        return self.handlers and any(o.pk == actor.pk for o in case.handlers.all())


def _values(states: Iterable[str]) -> frozenset[str]:
    return frozenset(str(state) for state in states)


@dataclass(frozen=True)
class ProcedureDefinition:
    """A procedure (程序) as states (an enum with labels), transitions, the activities open
    within its states, and the documents each state calls for."""

    code: str
    label: str
    state_enum: type[TextChoices]
    initial: str
    transitions: tuple[Transition, ...]
    terminal: frozenset[str] = field(default_factory=frozenset)
    activities: tuple[Activity, ...] = ()
    # document kind -> states in which it may be made (or corrected)
    documents: Mapping[str, frozenset[str]] = field(default_factory=dict)
    states: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        states = {str(state.value): str(state.label) for state in self.state_enum}
        object.__setattr__(self, "states", states)
        object.__setattr__(self, "initial", str(self.initial))
        object.__setattr__(self, "terminal", _values(self.terminal))
        object.__setattr__(
            self, "documents", {kind: _values(s) for kind, s in self.documents.items()}
        )
        declared = [
            (f"{self.code}.{t.action}", t.source | {t.target}) for t in self.transitions
        ] + [(f"{self.code}.{a.name}", a.states) for a in self.activities]
        declared += [(f"{self.code}.{kind}", s) for kind, s in self.documents.items()]
        for name, used in [*declared, (self.code, self.terminal | {self.initial})]:
            unknown = used - states.keys()
            if unknown:
                raise ValueError(f"{name}: unknown states {unknown}")

    def activity(self, name: str) -> Activity | None:
        return next((a for a in self.activities if a.name == name), None)

    def open_in(self, name: str) -> frozenset[str]:
        """The states in which activity ``name`` is open (none if the procedure lacks it)."""
        activity = self.activity(name)
        return activity.states if activity else frozenset()

    def open_to(self, name: str, case: Case, actor: Officer) -> bool:
        """Whether activity ``name`` is open to ``actor`` on ``case`` now."""
        activity = self.activity(name)
        return activity is not None and activity.open_to(case, actor)

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
