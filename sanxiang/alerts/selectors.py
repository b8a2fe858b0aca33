"""Who sees which 预警: the audience its rule names, within the officer's agency.

承办人 see the alerts of the cases they handle; 负责人 and 监督人员 see those their rule names
them for, and every escalated one (a supervising body's 监督人员: those of every agency of its
area). Nobody sees an alert about himself (e.g. his own repeated
不予立案), and an alert on a case is shown only to someone who may see the case now.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from sanxiang.alerts.models import Alert, AlertStatus, Audience
from sanxiang.cases.access import CaseAction
from sanxiang.cases.models import Case
from sanxiang.org.models import Officer, Role
from sanxiang.org.selectors import supervised_agency_ids


def alerts_for(officer: Officer) -> QuerySet[Alert]:
    if not officer.is_active:
        return Alert.objects.none()
    own = Q(agency_id=officer.unit.agency_id)
    # EXISTS rather than a join on the handlers: one row per alert, no DISTINCT, so counts and
    # lists over a whole supervised area stay one pass over the alerts.
    handles = Exists(
        Case.handlers.through.objects.filter(case_id=OuterRef("case_id"), officer_id=officer.pk)
    )
    seen = own & Q(rule__audience__contains=Audience.HANDLERS) & Q(handles)
    raised_for = Q(escalated_at__isnull=False)
    if officer.has_role(Role.HEAD):
        seen |= own & (Q(rule__audience__contains=Audience.HEAD) | raised_for)
    supervised = supervised_agency_ids(officer)
    if officer.has_role(Role.SUPERVISOR):
        # An agency's own 监督人员, and those of the supervising bodies over it (org.selectors).
        area = own | Q(agency_id__in=sorted(supervised))
        seen |= area & (Q(rule__audience__contains=Audience.SUPERVISOR) | raised_for)
    visible_cases = Case.objects.visible_to(officer, CaseAction.VIEW).values("pk")
    visible = Q(case__isnull=True) | Q(case__in=visible_cases)
    if supervised:
        # The cases of a supervised agency are all visible to him (cases.access); said first,
        # on the alert's own join, so the subquery over every visible case runs for the rest.
        visible = Q(case__isnull=True) | Q(case__agency_id__in=sorted(supervised)) | visible
    return (
        Alert.objects.filter(seen)
        .filter(visible)
        .exclude(subject=f"officer:{officer.pk}")
        .select_related("rule", "case")
    )


def open_alerts_for(officer: Officer) -> QuerySet[Alert]:
    return alerts_for(officer).exclude(status=AlertStatus.RESOLVED)
