"""What a notification says and to whom: the message and the people a case concerns."""

from __future__ import annotations

from dataclasses import dataclass

from sanxiang.cases.models import Case
from sanxiang.notifications.models import NotificationKind
from sanxiang.org.models import Officer, Role


@dataclass(frozen=True)
class Message:
    kind: NotificationKind
    text: str
    # Set where the same event may be seen again (the overdue scan): sent once per recipient.
    key: str = ""


def case_name(case: Case) -> str:
    return f"{case.number or '未编号案件'}（{case.title}）"


def handlers_of(case: Case) -> list[Officer]:
    return list(case.handlers.all())


def heads_of(case: Case) -> list[Officer]:
    """The 负责人 of the case's unit; where the unit has none, the agency's."""
    heads = Officer.objects.filter(is_active=True, roles__role=Role.HEAD)
    in_unit = list(heads.filter(unit_id=case.unit_id))
    return in_unit or list(heads.filter(unit__agency_id=case.agency_id))
