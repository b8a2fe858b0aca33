"""Each step of a case's procedure.

``case_transition`` is the only code that changes ``Case.state``: it locks the case row, asks
the declared procedure whether the step is allowed now (guards citing their articles), applies
the effects the step declares (numbers, dates, clocks, follow-up cases: ``workflow/effects.py``)
in the order declared, stores the due date the step declares, and appends the ledger event and
the row of the case's history (``StepTaken``), in one transaction (DESIGN.md rules 1 and 2).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from sanxiang.cases.delivery import service_of
from sanxiang.cases.events import provisional_deadline_passed
from sanxiang.cases.execution import periods as execution_periods
from sanxiang.cases.gate import review_gate
from sanxiang.cases.models import Case, Party, Procedure, evidence_reference
from sanxiang.cases.services._common import CaseRefused, _case_for_update, _record
from sanxiang.cases.services.deviation import decision_discretion_record
from sanxiang.cases.services.opening import number_allocate
from sanxiang.cases.signing import Signed, approval_sign_check, is_approval, signatures_required
from sanxiang.cases.workflow import observers
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.cases.workflow.effects import (
    AllocateNumber,
    ClearDate,
    CountFrom,
    CourtWindow,
    Effect,
    ExtendClock,
    HoursAfter,
    MirrorClock,
    OpenFollowUpCase,
    OpenPublication,
    RecordDiscretion,
    SealArchive,
    StampActor,
    StampDate,
    StampServed,
    StampTime,
    StartClock,
    installed_archiver,
    installed_publisher,
)
from sanxiang.cases.workflow.effects import Due as StepDue
from sanxiang.cases.workflow.engine import GuardContext, Refusal, TransitionRefused
from sanxiang.cases.workflow.guards import party_act_past_provisional
from sanxiang.core.deadlines import Deadline, WorkingDays
from sanxiang.core.selectors import get_calendar
from sanxiang.core.services import provisional_deadline_clear, provisional_deadline_note
from sanxiang.core.workdays import Due, WorkdayCalendar
from sanxiang.org.models import Officer

logger = logging.getLogger(__name__)


def _follow_up_case(inspection: Case, actor: Officer, today: date, *, source: str) -> Case:
    """A finding of an inspection (or an on-the-spot case beyond 第五十一条) becomes a
    general-procedure case (案源登记), linked to it, with its parties, handlers and facts."""
    carried = {}
    if inspection.procedure == Procedure.PENALTY_SIMPLE:
        # What the officers proposed on the spot stays the proposal until they change it.
        carried = {
            "fine_yuan": inspection.fine_yuan,
            "warning_only": inspection.warning_only,
            "penalty_kinds": list(inspection.penalty_kinds),
        }
    case = Case.objects.create(
        agency_id=inspection.agency_id,
        unit_id=inspection.unit_id,
        procedure=Procedure.PENALTY_GENERAL,
        state=PROCEDURES[Procedure.PENALTY_GENERAL].initial,
        title=inspection.title,
        source=source,
        facts=inspection.facts,
        **carried,
        category_id=inspection.category_id,
        violation_on=inspection.violation_on,
        violation_ended_on=inspection.violation_ended_on,
        endangers_life_health_or_finance=inspection.endangers_life_health_or_finance,
        caused_harm=inspection.caused_harm,
        clue_received_on=today,
        origin=inspection,
        created_by=actor,
    )
    case.handlers.set(inspection.handlers.all())
    if inspection.procedure == Procedure.PENALTY_SIMPLE:
        case.violated_articles.set(inspection.violated_articles.all())
        case.penalty_articles.set(inspection.penalty_articles.all())
    for party in inspection.parties.all():
        Party.objects.create(
            case=case,
            kind=party.kind,
            name=party.name,
            identifier=party.identifier,
            address=party.address,
            contact=party.contact,
        )
    _record(case, actor, "opened")
    return case


UNPUBLISHED = Refusal(
    "publication",
    "执法公示模块未启用，须公示的决定不能作出；请联系系统管理员启用执法公示模块"
    "（国办发〔2018〕118号）",
)
UNARCHIVED = Refusal(
    "archive",
    "电子案卷归档模块未启用，案件不能归档；请联系系统管理员启用归档模块（行政处罚法第四十七条）",
)


def case_transition(
    *,
    actor: Officer,
    case_id: int,
    action: str,
    signed: Signed | None = None,
    via: str = "",
) -> Case:
    """Take one step of the case's procedure, if the law allows it now.

    A 负责人's approval carries his electronic signature (``signed``) where the agency requires
    it (办案规则), and is checked and kept whenever one is given. A step recorded with what it
    needs on its own form (``via="execution"``: the court applied to) is taken only through that
    form's service, which passes ``via``.
    """
    with transaction.atomic():
        case = _case_for_update(case_id, actor)
        definition = PROCEDURES[case.procedure]
        try:
            step = definition.transition(action)
        except KeyError:
            raise CaseRefused(
                "没有这个办案步骤。", log_message=f"unknown action {action!r}"
            ) from None
        if step.via == "execution" and via != step.via:
            raise CaseRefused(
                f"“{step.label}”请在案件页面“执行”部分填写后办理。",
                log_message=f"case {case.pk}: {action} outside its form",
            )
        today = timezone.localdate()
        calendar = get_calendar()
        refusal = definition.refusal(
            step, GuardContext(case=case, actor=actor, today=today, calendar=calendar)
        )
        if refusal is not None:
            raise TransitionRefused(refusal, case_id=case.pk, action=action)
        if is_approval(step) and (signed is not None or signatures_required(case)):
            # Before anything changes: the signature is over the case as it stands.
            approval_sign_check(case, action, actor, signed)
        publications = [e for e in step.effects if isinstance(e, OpenPublication)]
        publish = installed_publisher()
        seals = any(isinstance(e, SealArchive) for e in step.effects)
        archive = installed_archiver()
        # An effect applied by an app above ``cases`` that is not installed: the step is refused,
        # so no decision is made without its publication record, no case archived unsealed.
        for needed, installed, refusal in (
            (bool(publications), publish, UNPUBLISHED),
            (seals, archive, UNARCHIVED),
        ):
            if needed and installed is None:
                raise TransitionRefused(refusal, case_id=case.pk, action=action)
        from_state = case.state
        fields = ["state", "step_due_on", "step_due_basis", "updated_at"]
        for effect in step.effects:
            fields += _apply(effect, case, actor, today, calendar)
        late = party_act_past_provisional(case, action, today)
        step_due: Due | None = None
        keeps_state = case.state == step.target
        case.state = step.target
        if keeps_state:
            pass  # a record within the step (e.g. 陈述申辩): the step's time limit stands
        elif step.deadline is None:
            case.step_due_on, case.step_due_basis = None, ""
        else:
            case.step_due_on, step_due = _step_due(step.due, step.deadline, case, today, calendar)
            case.step_due_basis = str(step.deadline) if case.step_due_on else ""
        case.save(update_fields=fields)
        if (
            step_due is not None
            and step.deadline is not None
            and isinstance(step.deadline.period, WorkingDays)
        ):
            provisional_deadline_note(
                instance=case, field="step_due_on",
                start=getattr(case, step.due.field) if isinstance(step.due, CountFrom) else today,
                workdays=step.deadline.period.days, due=step_due, actor=actor.ledger_actor,
                agency_id=case.agency_id,
            )  # fmt: skip
        elif not keeps_state:
            provisional_deadline_clear(instance=case, field="step_due_on")
        if late is not None:
            _flag_past_provisional(case, actor, action, late, today)
        review_gate().on_transition(case, actor, action)
        if publish is not None:
            for publication in publications:  # after the case is saved: the record reads it
                publish(case, actor, publication)
        if seals and archive is not None:  # after the case is saved: the package reads it
            archive(case, actor)
        if any(isinstance(e, RecordDiscretion) for e in step.effects):
            decision_discretion_record(case=case, actor=actor)
        _record(case, actor, action, from_state=from_state)
        # After the step's own record, so an observer reads the history with this step in it.
        observers.notify(case, actor, action)
    logger.info("case %s: %s by officer %s -> %s", case.pk, action, actor.pk, case.state)
    return case


def _apply(
    effect: Effect, case: Case, actor: Officer, today: date, calendar: WorkdayCalendar
) -> list[str]:
    """Apply one declared effect of a step to ``case`` (unsaved); return the fields it set."""
    match effect:
        case AllocateNumber(kind=kind):
            case.number = number_allocate(agency_id=case.agency_id, kind=kind, year=today.year)
            return ["number"]
        case StampDate(field=field, once=once):
            if once and getattr(case, field) is not None:
                return []
            setattr(case, field, today)
            return [field]
        case StampActor(field=field):
            if getattr(case, f"{field}_id") is not None:
                return []
            setattr(case, field, actor)
            return [field]
        case StampTime(field=field):
            setattr(case, field, timezone.now())
            return [field]
        case ClearDate(field=field):
            setattr(case, field, None)
            return [field]
        case StampServed(field=field, document=document):
            service = service_of(case, document)
            if service is None:  # the step's guard requires it
                raise TypeError(f"case {case.pk}: {document} not served")  # pragma: no cover
            setattr(case, field, service.served_on)
            return [field]
        case StartClock(field=field, deadline=deadline, start=start):
            begins = getattr(case, start) if start else today
            setattr(case, field, deadline.due(begins, calendar))
            return [field]
        case ExtendClock(field=field, deadline=deadline):
            current = getattr(case, field)
            if current is None:
                return []
            setattr(case, field, deadline.due(current, calendar))
            return [field]
        case OpenPublication():
            return []  # opened once the case is saved (``case_transition``)
        case SealArchive():
            return []  # sealed once the case is saved (``case_transition``)
        case RecordDiscretion():
            return []  # recorded once the case is saved (``case_transition``)
        case OpenFollowUpCase(source=source):
            text = source.format(number=case.number, reference=evidence_reference(case))
            _follow_up_case(case, actor, today, source=text)
            return []
    raise TypeError(f"unknown effect {effect!r}")  # pragma: no cover


def _step_due(
    due: StepDue, deadline: Deadline, case: Case, today: date, calendar: WorkdayCalendar
) -> tuple[date | None, Due | None]:
    """The due date of the step the case enters, as declared (``Transition.due``); the second
    value is the counted date when it may be provisional (暂定)."""
    match due:
        case MirrorClock(field=field):
            mirrored: date | None = getattr(case, field)
            return mirrored, None
        case CountFrom(field=field) if getattr(case, field):
            today = getattr(case, field)
        case CourtWindow():
            window = execution_periods(case, calendar)
            return (window.court_until if window else None), None
        case HoursAfter(field=field, hours=hours):
            # Only once the moment is known (a measure not yet taken has no 24-hour clock).
            if not getattr(case, field):
                return None, None
            moment = getattr(case, field) + timedelta(hours=hours)
            return timezone.localtime(moment).date(), None
    # A working-day limit is provisional (暂定) where it runs into a year whose holiday schedule
    # is not entered yet; recomputed when the year is entered.
    counted = deadline.due_provisional(today, calendar)
    return counted.on, counted


def _flag_past_provisional(case: Case, actor: Officer, action: str, due: date, today: date) -> None:
    """A party's act after a provisional (暂定) limit is accepted, never refused (the real limit
    may be later); it is flagged in the ledger so the office can look at it once the year's
    schedule is entered."""
    provisional_deadline_passed(case, actor, action=action, due=due, today=today)
    logger.warning(
        "case %s: %s on %s after the provisional limit %s; accepted and flagged",
        case.pk, action, today, due,
    )  # fmt: skip
