"""The 预警 rule ``opinion_overdue`` (监督意见逾期未答复), registered with ``sanxiang.alerts``
from ``SupervisionConfig.ready``: the 驾驶舱 reads the alerts, so alerts may not import this
app."""

from __future__ import annotations

from datetime import date

from sanxiang.alerts.models import AlertRule
from sanxiang.alerts.rules import Finding, Found, case_name
from sanxiang.cases.models import Case
from sanxiang.supervision.opinions.selectors import opinion_ids_on_case, overdue_opinions


def opinion_overdue(rule: AlertRule, today: date, case: Case | None) -> Found:
    """A 执法监督意见书 or 责令纠正通知书 whose written answer is owed and past its period (a
    returned answer counts from its new period). One alert per document."""
    opinions = overdue_opinions(today).select_related("case", "body")
    scope: set[str] | None = None
    if case is not None:
        opinions = opinions.filter(case_id=case.pk)
        scope = {f"opinion:{pk}" for pk in opinion_ids_on_case(case.pk)}
    return {
        f"opinion:{o.pk}": Finding(
            o.agency_id,
            o.case_id,
            f"{o.body.name}{o.get_kind_display()}（{o.number}）答复期限 {o.answer_due_on:%Y-%m-%d} "
            f"已过，{case_name(o.case)}尚未书面答复。",
        )
        for o in opinions
    }, scope
