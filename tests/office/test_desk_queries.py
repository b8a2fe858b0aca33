"""The 工作台 asks a bounded number of queries however many cases and notifications wait for
the officer: the guards of forty candidate cases read their handlers and the agency's
音像记录事项清单 once for all of them, never once per case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sanxiang.cases.models import Case
from sanxiang.cases.services import case_transition
from sanxiang.disclosure.models import Publication
from sanxiang.notifications.models import Notification
from sanxiang.review.models import Review, ReviewStatus
from tests.cases.conftest import ready_case

pytestmark = pytest.mark.dates

# session, user, officer (+ roles, certificate, categories), calendar (2), then each list of
# the desk and what its rows' guards read, and the navigation's own reads: measured 21-24 at
# first; 31 for a 负责人 once later lists joined, the last 报送 (one query when the agency has
# no supervising body to report to). 30 since the guards' per-case reads (法制审核, case rules,
# 不予处罚 proposal) are read once for all candidates and both 期限 counts are one query. 27
# since the unread notices, overdue 投诉举报 and 评查 findings are counted in one query. 24
# since the candidates' relations are read only when a guard asks (a 负责人's desk here reads
# no legal basis nor 执行 records). 18 since an officer's roles, certificates and categories
# are one query (the candidates' handlers': 2 fewer), read with the log-in's user, officer,
# unit and agency for the viewer (3 fewer), and the calendar's two tables one.
CEILING = 18


def more_cases(staff, count: int, *, registered: bool) -> None:
    today = timezone.localdate()
    for i in range(count):
        case = ready_case(staff, title=f"占道经营{i}")
        if registered:
            case_transition(actor=staff.head, case_id=case.pk, action="register")
        Notification.objects.create(
            recipient=staff.zhang, agency=case.agency, case=case, kind="decided",
            text=f"通知{i}",
        )  # fmt: skip
        # A record to publish (the desk lists its title and due date, not its long texts) and
        # a review waiting: returned to the handlers, or for the 负责人's committee meeting.
        Publication.objects.create(
            case=case, agency=case.agency, kind="penalty", title=f"处罚决定公示{i}",
            decided_on=today, due_on=today + timedelta(days=i % 9), due_basis="七个工作日",
            fields={"decision": "罚款"}, public_text="决定书全文" * 200,
        )  # fmt: skip
        Review.objects.create(
            case=case, agency=case.agency, reviewer=staff.zhou, need_reason="目录",
            status=ReviewStatus.RETURNED if i % 2 else ReviewStatus.COMMITTEE,
            due_on=today + timedelta(days=10), submitted_at=timezone.now(),
        )  # fmt: skip
        if i % 2:
            Case.objects.filter(pk=case.pk).update(step_due_on=today - timedelta(days=1))


def desk_queries(client, officer) -> int:
    client.force_login(officer.user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("office:home"))
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("who,registered", [("zhang", True), ("head", False)])
def test_the_desk_costs_the_same_queries_with_three_or_thirty_cases(client, staff, who, registered):
    officer = getattr(staff, who)
    more_cases(staff, 3, registered=registered)
    few = desk_queries(client, officer)
    more_cases(staff, 30, registered=registered)
    many = desk_queries(client, officer)
    assert many <= few and many <= CEILING, (few, many)
    page = client.get(reverse("office:home")).content.decode()
    # The rows are there: the count is not low for want of them.
    assert "占道经营29" in page and "处罚决定公示29" in page
    # The reviews waiting for him: 16 returned to 张伟's cases, 17 for the 负责人's meeting.
    assert f"法制审核（{16 if who == 'zhang' else 17}）" in page
