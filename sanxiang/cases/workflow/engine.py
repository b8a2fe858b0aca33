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
from typing import TYPE_CHECKING, Any

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
    """What a guard may look at: the case, who acts, today, and the working-day calendar.

    ``subject`` is what the procedure moves: the case itself, or a sub-process of it (its
    法制审核, whose guards read the review through ``subject``)."""

    case: Case
    actor: Officer
    today: date
    calendar: WorkdayCalendar
    subject: Any = None
    # The agency's 音像记录事项清单 rows when the caller read them once for many cases (the
    # 工作台 asks about forty); None reads them when a guard needs them.
    recording_matters: list[Any] | None = None

    @property
    def moved(self) -> Any:
        """The row whose state the procedure changes (the case unless ``subject`` is set)."""
        return self.case if self.subject is None else self.subject

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

    def refusal(
        self, context: GuardContext, memo: dict[Guard, Refusal | None] | None = None
    ) -> Refusal | None:
        """``memo``: the answers already given in this context (``options`` asks many steps
        that share guards, with nothing changing in between)."""
        if memo is not None and self in memo:
            return memo[self]
        message = self.check(context)
        refused = Refusal(self.name, f"{message}（{self.basis}）") if message else None
        if memo is not None:
            memo[self] = refused
        return refused


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
    ``confirm``: the case page asks the officer to confirm before taking the step.
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
    # The page asks before the step is taken (立案, 决定, 撤案, 结案 …: steps with legal effect
    # that no later step takes back).
    confirm: bool = False

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
        if not self.states & states_of(case):
            return False
        if any(actor.has_role(role) for role in self.roles):
            return True
        # .all(): the case page loads the handlers once for all its activities.
        return self.handlers and any(o.pk == actor.pk for o in case.handlers.all())


def _values(states: Iterable[str]) -> frozenset[str]:
    return frozenset(str(state) for state in states)


# --- sub-processes ---------------------------------------------------------------------------
# A state of a procedure may be *composite*: while a case is in it, a procedure of its own runs
# (法制审核 inside 法制审核中). The parent names the sub-process's states as
# ``"<composite state>.<sub-state>"`` in its sources, activities and documents — e.g. a decision
# may be made from ``under_review.passed`` — so the way out of the composite state is a guard on
# the sub-process's own state, never a second status kept on the case. The app that owns the
# sub-process registers it when Django starts; until then its sub-states never hold, so no step
# that needs one is open (closed by default, like the review gate).


@dataclass(frozen=True)
class SubProcess:
    """A procedure that runs inside a composite state, and how to read its state for a case."""

    definition: ProcedureDefinition
    state_of: Callable[[Case], str | None]


_subprocesses: dict[str, SubProcess] = {}
# (procedure code, composite state) -> sub-process code, as each definition declares it.
_composites: dict[tuple[str, str], str] = {}


def register_subprocess(
    code: str, definition: ProcedureDefinition, state_of: Callable[[Case], str | None]
) -> None:
    """Install (or replace) sub-process ``code`` (``ReviewConfig.ready`` installs 法制审核)."""
    _subprocesses[code] = SubProcess(definition, state_of)


def subprocess(code: str) -> SubProcess | None:
    return _subprocesses.get(code)


def states_of(case: Case) -> frozenset[str]:
    """The states ``case`` is in: its own and, in a composite state, ``"<state>.<sub-state>"``.

    The sub-state is read once per case object and state (``forget_sub_state`` after a
    sub-process step changed it)."""
    code = _composites.get((case.procedure, case.state))
    if code is None:
        return frozenset({case.state})
    cache: dict[str, str | None] = case.__dict__.setdefault("_sub_states", {})
    if case.state not in cache:
        found = _subprocesses.get(code)
        cache[case.state] = found.state_of(case) if found is not None else None
    sub = cache[case.state]
    return frozenset({case.state} if sub is None else {case.state, f"{case.state}.{sub}"})


def forget_sub_state(case: Case) -> None:
    case.__dict__.pop("_sub_states", None)


def in_states(case: Case, states: frozenset[str]) -> bool:
    """Whether ``case`` is in one of ``states`` (plain or ``composite.sub`` names)."""
    if case.state in states:
        return True
    return any("." in state for state in states) and bool(states & states_of(case))


def composite_of(state: str) -> str:
    """``"under_review.passed"`` → ``"under_review"``; a plain state is its own."""
    return state.split(".", 1)[0]


@dataclass(frozen=True)
class Stage:
    """One stage of a procedure as the case page's progress bar shows it (立案, 调查取证 …):
    the states it spans, and among them the ``exits`` — states that end the case off the main
    line (不予立案, 撤案, 不予处罚 …), so that no step into one is offered as *the* next step."""

    label: str
    states: frozenset[str]
    exits: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Progress:
    label: str
    status: str  # "done", "current" or "todo"


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
    # composite state -> code of the sub-process that runs in it (``register_subprocess``)
    composite: Mapping[str, str] = field(default_factory=dict)
    # The attribute of the moved row that stores its state.
    state_attr: str = "state"
    # The main line as the progress bar shows it; every state in exactly one stage.
    stages: tuple[Stage, ...] = ()
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
        stages = tuple(Stage(st.label, _values(st.states), _values(st.exits)) for st in self.stages)
        object.__setattr__(self, "stages", stages)
        declared += [(f"{self.code}.stage {st.label}", st.states | st.exits) for st in stages]
        declared.append((f"{self.code}.composite", frozenset(self.composite)))
        for state, code in self.composite.items():
            _composites[(str(self.code), state)] = code
        for name, used in [*declared, (self.code, self.terminal | {self.initial})]:
            # ``composite.sub``: the composite state must be declared one (the sub-process's
            # states are checked against its own declaration by the tests).
            unknown = {
                s for s in used
                if s not in states and not ("." in s and composite_of(s) in self.composite)
            }  # fmt: skip
            if unknown:
                raise ValueError(f"{name}: unknown states {unknown}")

    def activity(self, name: str) -> Activity | None:
        return next((a for a in self.activities if a.name == name), None)

    def stage_index(self, state: str) -> int | None:
        base = state.split(".", 1)[0]
        return next((i for i, stage in enumerate(self.stages) if base in stage.states), None)

    def progress(self, state: str, visited: Iterable[str]) -> list[Progress]:
        """The stages, each done (the case went through one of its states), current, or to do."""
        current = self.stage_index(state)
        seen = {self.stage_index(s) for s in visited}
        return [
            Progress(
                stage.label,
                "current" if i == current else "done" if i in seen else "todo",
            )
            for i, stage in enumerate(self.stages)
        ]

    def leads_on(self, transition: Transition, state: str) -> bool:
        """Whether ``transition`` moves the case on along its main line (to a later stage, and
        not out of it): the step the case page offers first."""
        here, there = self.stage_index(state), self.stage_index(transition.target)
        if here is None or there is None or there <= here:
            return False
        return transition.target not in self.stages[there].exits

    def open_in(self, name: str) -> frozenset[str]:
        """The states in which activity ``name`` is open (none if the procedure lacks it)."""
        activity = self.activity(name)
        return activity.states if activity else frozenset()

    def state_label(self, subject: Any) -> str:
        """The label of ``subject``'s state; in a composite state, with the sub-process's
        (e.g. 法制审核中（退回承办机构）)."""
        state = str(getattr(subject, self.state_attr))
        label = self.states.get(state, state)
        code = self.composite.get(state)
        found = _subprocesses.get(code) if code else None
        if found is None or self.state_attr != "state":
            return label
        sub = next((s for s in states_of(subject) if "." in s), None)
        if sub is None:
            return label
        inner = found.definition.states.get(sub.split(".", 1)[1], "")
        return f"{label}（{inner}）" if inner else label

    def open_to(self, name: str, case: Case, actor: Officer) -> bool:
        """Whether activity ``name`` is open to ``actor`` on ``case`` now."""
        activity = self.activity(name)
        return activity is not None and activity.open_to(case, actor)

    def transition(self, action: str) -> Transition:
        for transition in self.transitions:
            if transition.action == action:
                return transition
        raise KeyError(action)

    def refusal(
        self,
        transition: Transition,
        context: GuardContext,
        memo: dict[Guard, Refusal | None] | None = None,
    ) -> Refusal | None:
        """The first reason ``transition`` may not happen now, or None if it may (``memo``:
        guards already asked in this context, see ``options``)."""
        case, actor, moved = context.case, context.actor, context.moved
        if not self._in_source(moved, transition):
            return self._wrong_state(moved, transition, context.subject is None)
        if actor.unit.agency_id != case.agency_id or not actor.is_active:
            return Refusal("agency", "只有本执法主体的在岗人员可以办理本案。")
        if not any(actor.has_role(role) for role in transition.roles):
            from sanxiang.org.models import Role

            names = "、".join(str(Role(role).label) for role in sorted(transition.roles))
            return Refusal("role", f"“{transition.label}”须由{names}办理。")
        if transition.handlers_only and actor.pk not in context.handler_ids:
            return Refusal("handler", f"只有本案承办人可以进行“{transition.label}”。")
        for guard in transition.guards:
            refused = guard.refusal(context, memo)
            if refused:
                return refused
        return None

    def _wrong_state(self, moved: Any, transition: Transition, is_case: bool) -> Refusal:
        now = self.state_label(moved)
        what = "案件" if is_case else self.label
        state = getattr(moved, self.state_attr)
        found = _subprocesses.get(self.composite.get(state, ""))
        wanted = [s.split(".", 1)[1] for s in transition.source if composite_of(s) == state]
        if found is not None and wanted:
            # In the sub-process's declared order: a frozenset's order varies between processes.
            order = list(found.definition.states)
            wanted.sort(key=lambda w: (order.index(w) if w in order else len(order), w))
            # Waiting for the sub-process (e.g. the decision waits for 法制审核 to pass).
            names = "或".join(f"“{found.definition.states.get(w, w)}”" for w in wanted)
            return Refusal(
                "sub_state",
                f"{what}当前处于“{now}”；{found.definition.label}{names}后方可进行"
                f"“{transition.label}”。",
            )
        return Refusal("state", f"{what}当前处于“{now}”，不能进行“{transition.label}”。")

    def _in_source(self, moved: Any, transition: Transition) -> bool:
        state = getattr(moved, self.state_attr)
        if state in transition.source:
            return True
        if self.state_attr != "state" or state not in self.composite:
            return False
        return bool(transition.source & states_of(moved))

    def leaves(self, state: str) -> list[Transition]:
        """The transitions out of ``state`` (for a composite state, also those out of its
        sub-states), in declared order."""
        return [
            t for t in self.transitions
            if state in t.source or any(composite_of(s) == state for s in t.source)
        ]  # fmt: skip

    def options(self, context: GuardContext) -> list[tuple[Transition, Refusal | None]]:
        """Every transition out of the state the moved row is in (for a composite state: out
        of it or of any of its sub-states), each with why it is refused (or None)."""
        state = getattr(context.moved, self.state_attr)
        # Steps out of one state share guards (two certified handlers, the basis recorded …):
        # each is asked once here, as nothing changes between the steps' checks. A service
        # taking a step asks ``refusal`` without a memo, on the rows as they are then.
        memo: dict[Guard, Refusal | None] = {}
        return [(step, self.refusal(step, context, memo)) for step in self.leaves(state)]
