"""Raise, resolve, escalate and acknowledge 预警 (every change a ledger event).

``alerts_evaluate`` compares what each enabled rule finds with the open alerts: new findings
raise alerts, open alerts whose condition no longer holds are resolved by the system. It runs for
one case inside each case step (``observe_case_steps``), and for everything in ``alerts_scan``
(``sanxiang alerts scan``, daily), which also catches what time alone changes (a deadline
coming near) and escalates alerts nobody acknowledged within the rule's working days.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from sanxiang.alerts.events import AlertEvent, alert_event
from sanxiang.alerts.models import Alert, AlertRule, AlertStatus
from sanxiang.alerts.rules import EVALUATORS, Finding
from sanxiang.alerts.selectors import alerts_for
from sanxiang.cases.models import Case
from sanxiang.cases.workflow import observers
from sanxiang.core.params import MAX_ID
from sanxiang.core.selectors import add_workdays_provisional
from sanxiang.errors import DomainError
from sanxiang.org.models import Officer

logger = logging.getLogger(__name__)

RULES_FILE = Path(__file__).resolve().parents[2] / "data" / "alerts" / "rules.csv"
OPEN = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)
AUTO_RESOLUTION = "情况已消除（系统核对）"


class AlertRefused(DomainError):
    pass


@dataclass
class Evaluated:
    raised: int = 0
    resolved: int = 0
    escalated: int = 0


def _rule_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines))


def rules_load(*, path: Path = RULES_FILE, replace: bool = False) -> list[str]:
    """Add the file's rules that are missing (all of them with ``replace``); rules an
    administrator edited are kept unless ``replace``. Returns the keys written."""
    written = []
    for row in _rule_rows(path):
        key = row["key"].strip()
        if key not in EVALUATORS:
            raise ValueError(f"{path}: rule {key!r} has no evaluator in sanxiang.alerts.rules")
        values = {
            "name": row["name"].strip(),
            "threshold": int(row["threshold"] or 0),
            "unit": row["unit"].strip(),
            "audience": row["audience"].strip(),
            "escalate_after": int(row["escalate_after"] or 0),
            "basis": row["basis"].strip(),
        }
        if replace:
            AlertRule.objects.update_or_create(key=key, defaults=values)
        elif not AlertRule.objects.filter(key=key).exists():
            AlertRule.objects.create(key=key, **values)
        else:
            continue
        written.append(key)
    return written


def _raise(rule: AlertRule, subject: str, finding: Finding, now: datetime) -> Alert:
    alert = Alert.objects.create(
        rule=rule,
        agency_id=finding.agency_id,
        case_id=finding.case_id,
        subject=subject,
        text=finding.text[:300],
        raised_at=now,
        raised_on=timezone.localdate(now),
    )
    alert_event(alert, AlertEvent.RAISED)
    return alert


def _bring_in_line(
    rule: AlertRule,
    findings: dict[str, Finding],
    standing: dict[str, Alert],
    now: datetime,
    counts: Evaluated,
) -> None:
    """Raise what is found and not standing; resolve what stands and is no longer found."""
    for subject, finding in sorted(findings.items()):
        if subject not in standing:
            _raise(rule, subject, finding, now)
            counts.raised += 1
    for subject, alert in standing.items():
        if subject not in findings:
            alert.status = AlertStatus.RESOLVED
            alert.resolved_at = now
            alert.resolution = AUTO_RESOLUTION
            alert.save(update_fields=["status", "resolved_at", "resolution"])
            alert_event(alert, AlertEvent.RESOLVED)
            counts.resolved += 1


def alerts_evaluate(
    *, today: date, case: Case | None = None, keys: Iterable[str] | None = None
) -> Evaluated:
    """Bring the alerts in line with what each enabled rule finds now (for one case, or all;
    for the rules ``keys`` only, when given: an app whose facts changed outside a case).

    For everything, each rule in a transaction of its own. For one case (after each of its
    steps, inside the step's transaction) all rules in one: every evaluator answers for the
    subjects this case can change, and their open alerts are read and locked in one query."""
    counts = Evaluated()
    now = timezone.now()
    enabled = AlertRule.objects.filter(enabled=True).order_by("pk")
    if keys is not None:
        enabled = enabled.filter(key__in=list(keys))
    rules = []
    for rule in enabled:
        if rule.key not in EVALUATORS:
            logger.warning("alert rule %s has no evaluator; skipped", rule.key)
            continue
        rules.append(rule)
    if case is not None:
        with transaction.atomic():
            found = {}
            for rule in list(rules):
                # An evaluator only reads. One that raises (a period an administrator emptied,
                # a bug) costs its own rule's update, which the daily scan retries; a database
                # error still ends the step's transaction, as any failed query does.
                try:
                    found[rule.pk] = EVALUATORS[rule.key](rule, today, case)
                except Exception:
                    logger.exception("alert rule %s failed for case %s; skipped", rule.key, case.pk)
                    rules.remove(rule)
            subjects = set().union(*(scope or set() for _, scope in found.values()))
            standing: dict[int, dict[str, Alert]] = {rule.pk: {} for rule in rules}
            if subjects:
                open_alerts = Alert.objects.select_for_update().filter(
                    rule__in=[r.pk for r in rules], status__in=OPEN, subject__in=sorted(subjects)
                )
                for alert in open_alerts.order_by("pk"):
                    scope = found[alert.rule_id][1]
                    if scope is None or alert.subject in scope:
                        standing[alert.rule_id][alert.subject] = alert
            for rule in rules:
                findings, scope = found[rule.pk]
                if scope is None:  # an evaluator that cannot narrow itself to the case
                    everything = Alert.objects.select_for_update().filter(
                        rule=rule, status__in=OPEN
                    )
                    standing[rule.pk] = {alert.subject: alert for alert in everything}
                _bring_in_line(rule, findings, standing[rule.pk], now, counts)
        return counts
    for rule in rules:
        try:
            with transaction.atomic():
                findings, scope = EVALUATORS[rule.key](rule, today, None)
                open_alerts = Alert.objects.select_for_update().filter(rule=rule, status__in=OPEN)
                if scope is not None:
                    open_alerts = open_alerts.filter(subject__in=scope)
                _bring_in_line(rule, findings, {a.subject: a for a in open_alerts}, now, counts)
        except Exception:
            # One broken rule (e.g. a period an administrator emptied) must not stop the others
            # or the escalation after them; its alerts stand as they were.
            logger.exception(
                "alert rule %s failed; skipped, its alerts left as they were", rule.key
            )
    return counts


def alerts_escalate(*, today: date) -> int:
    """Escalate each open alert nobody acknowledged within its rule's working days."""
    now = timezone.now()
    escalated = 0
    with transaction.atomic():
        waiting = (
            Alert.objects.select_for_update()
            .filter(status=AlertStatus.OPEN, escalated_at__isnull=True)
            .select_related("rule")
        )
        for alert in waiting:
            # Provisional (Monday to Friday into a year whose holiday schedule is not entered
            # yet): an escalation is an internal reminder, not a legal limit, and the strict
            # count would stop the periodic job for every alert from late December. A
            # provisional end is never later than the real one (but for the 调休上班 case of
            # ``core.workdays``): at worst an alert is escalated a little early.
            due = add_workdays_provisional(alert.raised_on, alert.rule.escalate_after)
            if due.on > today:
                continue
            alert.escalated_at = now
            alert.save(update_fields=["escalated_at"])
            alert_event(alert, AlertEvent.ESCALATED)
            escalated += 1
    return escalated


def alerts_scan(*, today: date) -> Evaluated:
    counts = alerts_evaluate(today=today)
    counts.escalated = alerts_escalate(today=today)
    logger.info(
        "alerts scan on %s: %s raised, %s resolved, %s escalated",
        today, counts.raised, counts.resolved, counts.escalated,
    )  # fmt: skip
    return counts


def _after_step(case: Case, actor: Officer, action: str) -> None:
    """A case step changed facts: re-check this case's alerts. A fault here must not undo the
    officer's step, so it runs in a savepoint and is logged; the daily scan catches up."""
    try:
        with transaction.atomic():
            alerts_evaluate(today=timezone.localdate(), case=case)
    except Exception:
        logger.exception("alerts for case %s after %s could not be evaluated", case.pk, action)


def observe_case_steps() -> None:
    observers.register("alerts", _after_step)


def _visible(actor: Officer, alert_id: object) -> Alert:
    try:
        pk = int(str(alert_id))
    except ValueError:
        pk = 0
    # ``alerts_for`` joins the rule and the case: check, then lock the alert's row alone.
    visible = 0 < pk <= MAX_ID and alerts_for(actor).filter(pk=pk).exists()
    alert = Alert.objects.select_for_update().filter(pk=pk).first() if visible else None
    if alert is None:
        raise AlertRefused("没有这条预警，或者您无权处理。", log_message=f"alert {alert_id!r}")
    return alert


def alert_acknowledge(*, actor: Officer, alert_id: object) -> Alert:
    """The person alerted confirms he has seen it (it stops waiting for escalation)."""
    with transaction.atomic():
        alert = _visible(actor, alert_id)
        if alert.status != AlertStatus.OPEN:
            raise AlertRefused("该预警已确认或已消除。", log_message=f"alert {alert.pk} not open")
        alert.status = AlertStatus.ACKNOWLEDGED
        alert.acknowledged_by = actor
        alert.acknowledged_at = timezone.now()
        alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
        alert_event(alert, AlertEvent.ACKNOWLEDGED, actor=actor.ledger_actor)
    return alert


def alert_resolve(*, actor: Officer, alert_id: object, note: str) -> Alert:
    """Close an alert with a written note. If its condition still holds, the next check
    raises it again: a note cannot silence a deadline."""
    note = (note or "").strip()
    if not note:
        raise AlertRefused("请写明处理情况。", log_message="resolve without note")
    if len(note) > 300:
        raise AlertRefused("处理情况不能超过 300 字。", log_message="resolve note too long")
    with transaction.atomic():
        alert = _visible(actor, alert_id)
        if alert.status == AlertStatus.RESOLVED:
            raise AlertRefused("该预警已消除。", log_message=f"alert {alert.pk} resolved")
        alert.status = AlertStatus.RESOLVED
        alert.resolved_by = actor
        alert.resolved_at = timezone.now()
        alert.resolution = note
        alert.save(update_fields=["status", "resolved_by", "resolved_at", "resolution"])
        alert_event(alert, AlertEvent.RESOLVED, actor=actor.ledger_actor)
    return alert
