"""逾期公示: `sanxiang notifications scan` tells the people concerned once per overdue event."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from sanxiang.cases.services import case_transition
from sanxiang.disclosure.models import Publication, PublicationStatus
from sanxiang.notifications.models import Notification
from sanxiang.notifications.services import notifications_scan

pytestmark = pytest.mark.dates  # due dates counted from today (make test-year-end)


@pytest.fixture
def publication(staff, on_spot_case) -> Publication:
    case = on_spot_case()
    case_transition(actor=staff.zhang, case_id=case.pk, action="decide_on_spot")
    return Publication.objects.get(case=case)


def overdue_notices() -> list[str]:
    rows = Notification.objects.filter(kind="publication_overdue").select_related("recipient")
    return sorted(n.recipient.name for n in rows)


def test_nothing_is_overdue_on_the_due_day(publication):
    assert notifications_scan(today=publication.due_on) == 0
    assert overdue_notices() == []


def test_an_overdue_publication_is_notified_once_however_often_the_scan_runs(publication, capsys):
    late = publication.due_on + timedelta(days=1)
    with time_machine.travel(late, tick=False):
        call_command("notifications", "scan")
        call_command("notifications", "scan")
    # The handlers (the one who decided too: the scan is no one's step) and the 负责人.
    assert overdue_notices() == ["刘志强", "张伟", "李娜"]
    assert "新发 3 条" in capsys.readouterr().out
    text = Notification.objects.filter(kind="publication_overdue").first().text  # type: ignore[union-attr]
    assert "逾期未公示" in text and f"{publication.due_on:%Y年%m月%d日}" in text
    assert notifications_scan(today=late + timedelta(days=5)) == 0


def test_a_read_notification_is_not_sent_again(publication, staff):
    late = publication.due_on + timedelta(days=1)
    notifications_scan(today=late)
    Notification.objects.update(read_at=timezone.now())
    assert notifications_scan(today=late + timedelta(days=1)) == 0
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_a_withdrawal_overdue_is_a_new_event(publication):
    notifications_scan(today=publication.due_on + timedelta(days=1))
    withdrawal_due = publication.due_on + timedelta(days=10)
    Publication.objects.filter(pk=publication.pk).update(
        status=PublicationStatus.PUBLISHED, withdrawal_due_on=withdrawal_due
    )
    assert notifications_scan(today=withdrawal_due + timedelta(days=1)) == 3
    withdrawn = Notification.objects.filter(text__contains="逾期未撤下")
    assert withdrawn.count() == 3
    assert notifications_scan(today=withdrawal_due + timedelta(days=2)) == 0


def test_an_officer_off_duty_is_not_notified(publication, staff):
    staff.li.is_active = False
    staff.li.save()
    notifications_scan(today=publication.due_on + timedelta(days=1))
    assert overdue_notices() == ["刘志强", "张伟"]
