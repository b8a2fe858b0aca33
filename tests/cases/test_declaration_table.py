"""Every procedure, walked against its own declaration (workflow/definitions.py).

For each procedure × state × action × role, the engine allows or refuses exactly as declared:
a state outside the step's sources is refused with the state message, a role outside its roles
with the role message, a non-handler on a handlers-only step with the handler message, and
otherwise only a declared guard may refuse. Then, for each step with its guards passing, the
service does what the step declares: numbers, dates, clocks, the stored due date, follow-up
cases.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from sanxiang.cases.execution import periods as execution_periods
from sanxiang.cases.models import Case, CaseDocument, NumberingRule, evidence_reference
from sanxiang.cases.services import case_transition
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.cases.workflow.effects import (
    AllocateNumber,
    ClearDate,
    CountFrom,
    CourtWindow,
    ExtendClock,
    HoursAfter,
    MirrorClock,
    OpenFollowUpCase,
    OpenPublication,
    SealArchive,
    StampActor,
    StampDate,
    StampServed,
    StampTime,
    StartClock,
)
from sanxiang.cases.workflow.engine import (
    Guard,
    GuardContext,
    TransitionRefused,
    forget_sub_state,
    subprocess,
)
from sanxiang.core.selectors import get_calendar
from sanxiang.disclosure.models import Publication
from sanxiang.org.models import Role
from tests.cases.conftest import ready_case
from tests.conftest import make_officer

STEPS = [
    pytest.param(code, transition.action, id=f"{code}-{transition.action}")
    for code, definition in PROCEDURES.items()
    for transition in definition.transitions
]
NUMBER_PREFIXES = {"penalty": "测城执罚", "on_spot": "测城当罚"}


@pytest.fixture
def numbering(staff):
    agency = staff.zhang.unit.agency
    NumberingRule.objects.create(agency=agency, kind="coercive", prefix="测城强措")
    NumberingRule.objects.create(agency=agency, kind="inspection", prefix="测城检")


@pytest.fixture
def role_officers(staff):
    """One officer per role holding that role only, as (role, is_handler) -> officer."""
    unit = staff.zhang.unit
    officers = {}
    for index, role in enumerate(Role.values):
        for handler in (True, False):
            officers[role, handler] = make_officer(
                unit=unit,
                name=f"{role}{'承办' if handler else '其他'}",
                number=f"9901009{index:02d}{int(handler)}",
                roles=(role,),
            )
    return officers


@pytest.mark.parametrize("code", list(PROCEDURES))
def test_engine_allows_and_refuses_every_state_action_and_role_as_declared(
    staff, numbering, role_officers, code
):
    definition = PROCEDURES[code]
    case = ready_case(staff, procedure=code)
    case.handlers.add(*(o for (_, handler), o in role_officers.items() if handler))
    today, calendar = timezone.localdate(), get_calendar()
    checked = 0
    for state, sub, state_label in _walked_states(definition):
        case.state = state
        forget_sub_state(case)
        if sub is not _PLAIN:
            case.__dict__["_sub_states"] = {state: sub}  # the sub-process's state, as read
        current = {state} if sub in (_PLAIN, None) else {state, f"{state}.{sub}"}
        for (role, handler), actor in role_officers.items():
            context = GuardContext(case=case, actor=actor, today=today, calendar=calendar)
            offered = {t.action for t, _ in definition.options(context)}
            assert offered == {
                t.action
                for t in definition.transitions
                if state in t.source or any(s.split(".")[0] == state for s in t.source)
            }
            for transition in definition.transitions:
                refusal = definition.refusal(transition, context)
                checked += 1
                if not current & transition.source:
                    waits = any(s.split(".")[0] == state for s in transition.source)
                    assert refusal is not None
                    assert refusal.guard == ("sub_state" if waits else "state")
                    assert refusal.message.startswith(f"案件当前处于“{state_label}”")
                    assert transition.label in refusal.message
                elif role not in transition.roles:
                    assert refusal is not None and refusal.guard == "role", transition.action
                    assert transition.label in refusal.message
                elif transition.handlers_only and not handler:
                    assert refusal is not None and refusal.guard == "handler"
                elif refusal is not None:
                    declared = {guard.name for guard in transition.guards}
                    assert refusal.guard in declared, (state, transition.action, refusal)
    walked = len(_walked_states(definition))
    assert checked == walked * len(role_officers) * len(definition.transitions)


_PLAIN = object()


def _walked_states(definition):
    """(state, sub-state, label shown) for every state; a composite state once per state of
    its sub-process, and once before the sub-process has started (sub-state None)."""
    walked = []
    for state, label in definition.states.items():
        code = definition.composite.get(state)
        if code is None:
            walked.append((state, _PLAIN, label))
            continue
        inner = subprocess(code)
        assert inner is not None, f"sub-process {code} is not registered"
        walked.append((state, None, label))
        for sub, sub_label in inner.definition.states.items():
            walked.append((state, sub, f"{label}（{sub_label}）"))
    return walked


@pytest.mark.parametrize("code", list(PROCEDURES))
def test_every_declared_state_is_a_member_of_the_procedures_state_enum(code):
    definition = PROCEDURES[code]
    assert definition.states == {s.value: s.label for s in definition.state_enum}
    for transition in definition.transitions:
        assert type(transition.target) is str
        assert all(type(state) is str for state in transition.source)
    # A composite state's sub-states are states of its sub-process's own declaration.
    for states in [
        *(t.source for t in definition.transitions),
        *(a.states for a in definition.activities),
        *definition.documents.values(),
    ]:
        for state in states:
            if "." in state:
                composite, sub = state.split(".")
                inner = subprocess(definition.composite[composite])
                assert inner is not None and sub in inner.definition.states, state


def test_every_declared_document_kind_exists():
    from sanxiang.cases.documents import KINDS

    for definition in PROCEDURES.values():
        assert set(definition.documents) <= set(KINDS)


SERVED_ON = date(2026, 6, 8)  # two days before the pinned clock


def _served_on_file(case, kind, officer):
    """The served document and its 送达回证 on file (the guards that ask for them are bypassed)."""
    for document_kind, fields in (
        (kind, {}),
        ("service_proof", {"served_document": kind, "served_at": f"{SERVED_ON}T09:00",
                           "method": "直接送达"}),
    ):  # fmt: skip
        CaseDocument.objects.create(
            case=case, kind=document_kind, version=1, docx_sha256="0" * 64,
            verification_code=f"t{document_kind[:6]}{case.pk}", fields=fields, created_by=officer,
        )  # fmt: skip


def _expected_fields(transition, case, today, calendar):
    """The case's fields after the step's effects, worked out from the declaration alone."""
    values: dict[str, object] = {}
    for effect in transition.effects:
        match effect:
            case StampDate(field=field, once=once):
                current = values.get(field, getattr(case, field))
                if not (once and current is not None):
                    values[field] = today
            case StampTime(field=field):
                values[field] = "now"
            case ClearDate(field=field):
                values[field] = None
            case StampServed(field=field):
                values[field] = SERVED_ON
            case StartClock(field=field, deadline=deadline, start=start):
                begins = values.get(start, getattr(case, start)) if start else today
                assert isinstance(begins, date)
                values[field] = deadline.due(begins, calendar)
            case ExtendClock(field=field, deadline=deadline):
                current = values.get(field, getattr(case, field))
                if isinstance(current, date):
                    values[field] = deadline.due(current, calendar)
    return values


@pytest.mark.parametrize(("code", "action"), STEPS)
def test_each_step_with_its_guards_passing_does_what_it_declares(
    staff, numbering, monkeypatch, code, action
):
    definition = PROCEDURES[code]
    transition = definition.transition(action)
    monkeypatch.setattr(Guard, "refusal", lambda self, context, memo=None: None)
    case = ready_case(staff, procedure=code)
    source = sorted(transition.source)[0]
    today, calendar = timezone.localdate(), get_calendar()
    # A case that has got this far: registered, decided and served, its measure taken.
    Case.objects.filter(pk=case.pk).update(
        state=source,
        decision_due_on=today + timedelta(days=40),
        decided_on=today - timedelta(days=20) if source not in ("clue", "on_site") else None,
        served_on=today - timedelta(days=18) if source not in ("clue", "on_site") else None,
        measure_taken_at=timezone.now() - timedelta(days=3),
        measure_due_on=today + timedelta(days=20),
        step_due_on=date(2026, 7, 1),
        step_due_basis="之前的期限",
    )
    case.refresh_from_db()
    for effect in transition.effects:
        if isinstance(effect, StampServed):
            _served_on_file(case, effect.document, staff.zhang)
    actor = staff.head if "head" in transition.roles else staff.zhang
    if "reviewer" in transition.roles and "head" not in transition.roles:
        actor = staff.zhou
    case.handlers.add(actor)
    expected = _expected_fields(transition, case, today, calendar)
    before_number, before_reference = case.number, evidence_reference(case)
    before_actors = {
        e.field: getattr(case, f"{e.field}_id")
        for e in transition.effects
        if isinstance(e, StampActor)
    }

    after = case_transition(actor=actor, case_id=case.pk, action=action, via=transition.via)

    after.refresh_from_db()
    assert after.state == transition.target
    for field, value in expected.items():
        if value == "now":
            assert timezone.localtime(getattr(after, field)).date() == today
        else:
            assert getattr(after, field) == value, field
    numbers = [e for e in transition.effects if isinstance(e, AllocateNumber)]
    if numbers:
        assert after.number and after.number != before_number
        assert after.number.startswith(NUMBER_PREFIXES[numbers[0].kind])
    else:
        assert after.number == before_number
    for effect in transition.effects:
        if isinstance(effect, StampActor):
            # Who took the step is kept the first time, as a column of the case.
            assert getattr(after, f"{effect.field}_id") == (before_actors[effect.field] or actor.pk)
        if isinstance(effect, OpenFollowUpCase):
            follow_up = Case.objects.get(origin=after)
            assert follow_up.state == PROCEDURES[follow_up.procedure].initial
            assert follow_up.source == effect.source.format(
                number=before_number, reference=before_reference
            )
    # 执法公示: a step that declares it opens the decision's publication record; no other does.
    publications = [e for e in transition.effects if isinstance(e, OpenPublication)]
    opened = Publication.objects.filter(case_id=after.pk).first()
    if publications:
        assert opened is not None and opened.kind == publications[0].kind
        if publications[0].conclusion:
            assert opened.fields["执法结论"] == publications[0].conclusion
    else:
        assert opened is None
    # 归档: a step that declares it seals the case's package; no other does.
    from sanxiang.archive.models import CaseArchive

    sealed = CaseArchive.objects.filter(case_id=after.pk).exists()
    assert sealed == any(isinstance(e, SealArchive) for e in transition.effects)
    # The due date of the step entered, as declared.
    if transition.target == source:
        assert (after.step_due_on, after.step_due_basis) == (date(2026, 7, 1), "之前的期限")
    elif transition.deadline is None:
        assert (after.step_due_on, after.step_due_basis) == (None, "")
    else:
        assert after.step_due_basis == str(transition.deadline)
        match transition.due:
            case MirrorClock(field=field):
                assert after.step_due_on == getattr(after, field)
            case CourtWindow():
                window = execution_periods(after, calendar)
                assert after.step_due_on == (window.court_until if window else None)
            case HoursAfter(field=field, hours=hours):
                moment = getattr(after, field) + timedelta(hours=hours)
                assert after.step_due_on == timezone.localtime(moment).date()
            case CountFrom(field=field):
                counted = transition.deadline.due_provisional(getattr(after, field), calendar)
                assert after.step_due_on == counted.on
            case _:
                counted = transition.deadline.due_provisional(today, calendar)
                assert after.step_due_on == counted.on


def test_a_step_refused_by_its_state_is_refused_by_the_service_with_the_declared_message(staff):
    case = ready_case(staff)
    with pytest.raises(TransitionRefused) as refused:
        case_transition(actor=staff.zhang, case_id=case.pk, action="serve")
    assert refused.value.refusal.guard == "state"
    assert str(refused.value.refusal.message) == "案件当前处于“案源登记”，不能进行“送达决定书”。"
    case.refresh_from_db()
    assert case.state == "clue" and case.served_on is None


def test_the_operations_guide_tables_are_the_declarations():
    from pathlib import Path

    from sanxiang.cases.procedure_tables import procedures_markdown, replace_block

    doc = Path(__file__).resolve().parents[2] / "docs" / "operations" / "cases.md"
    text = doc.read_text(encoding="utf-8")
    assert replace_block(text, procedures_markdown(list(PROCEDURES.values()))) == text, (
        "run scripts/procedure_tables.py"
    )


@pytest.mark.parametrize("code", list(PROCEDURES))
def test_the_flowchart_shows_what_each_step_records(code):
    import xml.etree.ElementTree as ET

    from sanxiang.cases.workflow.flowchart import render_svg

    root = ET.fromstring(render_svg(PROCEDURES[code]))  # noqa: S314 - our own output
    svg = "".join(
        (node.text or "").strip() for node in root.iter("{http://www.w3.org/2000/svg}text")
    )
    for transition in PROCEDURES[code].transitions:
        for effect in transition.effects:
            assert effect.describe() in svg, (transition.action, effect)


def test_without_the_publishing_app_no_decision_that_must_be_published_is_made(staff, monkeypatch):
    from sanxiang.cases.workflow import effects

    monkeypatch.setattr(effects, "_publisher", None)
    monkeypatch.setattr(
        Guard, "refusal", lambda self, context, memo=None: None
    )  # every guard passes
    case = ready_case(staff, procedure="penalty_simple")
    Case.objects.filter(pk=case.pk).update(state="on_site")
    with pytest.raises(TransitionRefused, match="执法公示模块未启用"):
        case_transition(actor=staff.zhang, case_id=case.pk, action="decide_on_spot")
    case.refresh_from_db()
    assert case.state == "on_site" and not case.number and case.decided_on is None
    assert not Publication.objects.filter(case_id=case.pk).exists()


def test_every_state_is_in_exactly_one_stage_of_the_progress_bar():
    for definition in PROCEDURES.values():
        staged = [state for stage in definition.stages for state in stage.states]
        assert sorted(staged) == sorted(definition.states), definition.code
        for stage in definition.stages:
            assert stage.exits <= stage.states


def test_the_case_page_shows_where_the_case_is_and_offers_one_next_step(client, staff):
    from django.urls import reverse

    case = ready_case(staff)
    client.force_login(staff.head.user)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    progress = page.split('id="progress"')[1].split("</ol>")[0]
    assert '<li class="current" aria-current="step">案源登记' in progress
    assert '<li class="todo">调查取证' in progress
    # 立案 moves the case on; 不予立案 ends it: only the first is the primary button.
    actions = page.split('id="actions"')[1].split("</section>")[0]
    assert '<button type="submit">立案</button>' in actions
    assert '<button type="submit" class="secondary">不予立案</button>' in actions
    assert actions.count("下一步") == 1
    case_transition(actor=staff.head, case_id=case.pk, action="register")
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    progress = page.split('id="progress"')[1].split("</ol>")[0]
    assert '<li class="done">案源登记' in progress
    assert '<li class="current" aria-current="step">调查取证' in progress
