"""The 通知 on the 工作台: listed unread first, marked read by POST (one's own only), opened
from the desk into the case; counted in the navigation; never about a case one may not see."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sanxiang.cases.services import case_transition
from sanxiang.notifications.models import Notification

pytestmark = pytest.mark.dates  # due dates counted from today (make test-year-end)


@pytest.fixture
def registered(staff, general_case):
    """立案 by 刘志强: 张伟 and 李娜 each have one unread notification."""
    case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    return general_case


def own(officer) -> Notification:
    return Notification.objects.get(recipient=officer)


def desk_section(client, officer) -> str:
    client.force_login(officer.user)
    page: str = client.get(reverse("office:home")).content.decode()
    start = page.index('id="notices-title"')
    return page[start : page.index("<h3", start + 1)]


def test_the_desk_lists_the_notification_with_a_link_to_open_its_case(client, staff, registered):
    notices = desk_section(client, staff.zhang)
    notice = own(staff.zhang)
    assert "通知（未读 1）" in notices and "未读" in notices
    assert registered.title in notices and "“立案”" in notices
    assert reverse("notifications:open", args=[notice.pk]) in notices
    assert "标为已读" in notices and "全部标为已读" in notices
    # The 负责人 took the step: nothing for him.
    assert "没有通知" in desk_section(client, staff.head)


def test_unread_notifications_come_first(client, staff, registered):
    case_transition(actor=staff.zhang, case_id=registered.pk, action="conclude")
    first = own(staff.zhang)
    first.read_at = first.created_at
    first.save()
    Notification.objects.create(
        recipient=staff.zhang, agency=registered.agency, case=registered, kind="decided",
        text="后来的未读通知",
    )  # fmt: skip
    notices = desk_section(client, staff.zhang)
    assert notices.index("后来的未读通知") < notices.index("“立案”")
    assert "通知（未读 1）" in notices


def test_the_desk_keeps_only_the_latest_read_notifications_below_the_unread(
    client, staff, registered
):
    """Old news must not push the cases waiting off the screen: every unread notification,
    then the three latest read ones; the rest are on 全部通知."""
    from datetime import timedelta

    from django.utils import timezone

    own(staff.zhang).delete()
    now = timezone.now()
    for n in range(6):
        made = Notification.objects.create(
            recipient=staff.zhang, agency=registered.agency, case=registered, kind="decided",
            text=f"已读通知第{n}条",
        )  # fmt: skip
        at = now - timedelta(days=10 - n)
        Notification.objects.filter(pk=made.pk).update(created_at=at, read_at=at)
    Notification.objects.create(
        recipient=staff.zhang, agency=registered.agency, case=registered, kind="decided",
        text="最早的未读通知",
    )  # fmt: skip
    Notification.objects.filter(text="最早的未读通知").update(created_at=now - timedelta(days=30))
    notices = desk_section(client, staff.zhang)
    assert "最早的未读通知" in notices
    assert [n for n in range(6) if f"已读通知第{n}条" in notices] == [3, 4, 5]
    assert notices.index("最早的未读通知") < notices.index("已读通知第5条")
    assert reverse("notifications:list") in notices
    client.force_login(staff.zhang.user)
    full = client.get(reverse("notifications:list")).content.decode()
    assert all(f"已读通知第{n}条" in full for n in range(6))


def test_marking_read_is_a_post_that_returns_to_the_desk(client, staff, registered):
    notice = own(staff.zhang)
    client.force_login(staff.zhang.user)
    url = reverse("notifications:read", args=[notice.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == "/office/#notices"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert "通知（未读 0）" in desk_section(client, staff.zhang)
    assert "已读" in desk_section(client, staff.zhang)


def test_marking_read_needs_the_csrf_token(staff, registered):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff.zhang.user)
    notice = own(staff.zhang)
    response = client.post(reverse("notifications:read", args=[notice.pk]))
    assert response.status_code == 403
    notice.refresh_from_db()
    assert notice.read_at is None


def test_another_officers_notification_is_not_found_and_stays_unread(client, staff, registered):
    theirs = own(staff.li)
    client.force_login(staff.zhang.user)
    for url in (
        reverse("notifications:read", args=[theirs.pk]),
        reverse("notifications:open", args=[theirs.pk]),
    ):
        response = client.post(url)
        assert response.status_code == 404
        assert "未找到该通知" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("next_", ["https://example.com/", "//example.com/", "0", "javascript:x"])
def test_after_marking_read_only_a_page_of_this_site_is_returned_to(
    client, staff, registered, next_
):
    client.force_login(staff.zhang.user)
    response = client.post(reverse("notifications:read-all"), {"next": next_})
    assert response.status_code == 302 and response["Location"] == "/office/#notices"
    response = client.post(reverse("notifications:read-all"), {"next": "/office/notifications/"})
    assert response["Location"] == "/office/notifications/"


def test_mark_all_read_marks_only_ones_own(client, staff, registered):
    case_transition(actor=staff.zhang, case_id=registered.pk, action="conclude")
    Notification.objects.create(
        recipient=staff.zhang, agency=registered.agency, case=registered, kind="decided",
        text="第二条",
    )  # fmt: skip
    client.force_login(staff.zhang.user)
    response = client.post(reverse("notifications:read-all"), follow=True)
    assert "已将 2 条通知标为已读" in response.content.decode()
    assert not Notification.objects.filter(recipient=staff.zhang, read_at__isnull=True).exists()
    assert own(staff.li).read_at is None


def test_opening_the_case_from_its_notification_marks_it_read(client, staff, registered):
    notice = own(staff.zhang)
    client.force_login(staff.zhang.user)
    response = client.post(reverse("notifications:open", args=[notice.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[registered.pk])
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_a_get_of_a_notification_goes_to_its_case_and_leaves_it_unread(client, staff, registered):
    notice = own(staff.zhang)
    client.force_login(staff.zhang.user)
    response = client.get(reverse("notifications:open", args=[notice.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[registered.pk])
    notice.refresh_from_db()
    assert notice.read_at is None


def test_the_desk_opens_a_notification_by_a_post_form_with_the_csrf_token(
    client, staff, registered
):
    notices = desk_section(client, staff.zhang)
    url = reverse("notifications:open", args=[own(staff.zhang).pk])
    form = re.search(rf'<form method="post" action="{re.escape(url)}"[^>]*>(.*?)</form>', notices)
    assert form is not None and "csrfmiddlewaretoken" in form.group(1)
    assert f'href="{url}"' not in notices
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(staff.zhang.user)
    assert csrf.post(url).status_code == 403
    assert own(staff.zhang).read_at is None


def test_a_notification_never_shows_a_case_the_recipient_may_no_longer_see(
    client, staff, registered, agency
):
    from sanxiang.org.models import Unit

    # 李娜 leaves the case and moves to another unit: the case is out of her sight.
    registered.handlers.remove(staff.li)
    staff.li.unit = Unit.objects.create(agency=agency, name="执法二大队")
    staff.li.save()
    notices = desk_section(client, staff.li)
    assert registered.title not in notices and "通知（未读 0）" in notices
    assert client.get(reverse("office:desk-count")).json() == {"count": 0}
    for method in (client.get, client.post):
        response = method(reverse("notifications:open", args=[own(staff.li).pk]))
        assert response.status_code == 404
    assert registered.title not in client.get(reverse("notifications:list")).content.decode()


def test_the_navigation_count_includes_unread_notifications_in_its_one_count_query(
    client, staff, registered
):
    client.force_login(staff.li.user)
    page = client.get(reverse("office:home")).content.decode()
    nav = re.search(r'id="nav-desk" data-count-url="([^"]+)"', page)
    assert nav is not None
    with CaptureQueriesContext(connection) as queries:
        assert client.get(nav.group(1)).json() == {"count": 1}
    # session, user, officer (+ roles, certificates, categories), the calendar (2), and one
    # query for the four counts: the desk's three and the unread notifications (12 queries
    # when each count was a query of its own).
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and counts[0].upper().count("COUNT(") == 4
    assert counts[0].count("notifications_notification") >= 1
    assert len(queries.captured_queries) <= 9
    Notification.objects.update(read_at=own(staff.li).created_at)
    assert client.get(nav.group(1)).json() == {"count": 0}


def test_the_list_page_shows_all_of_ones_notifications(client, staff, registered):
    client.force_login(staff.zhang.user)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "未读 1 条" in page and registered.title in page
    assert "通知只是提醒" in page


def test_the_count_stops_at_a_hundred_unread(client, staff, registered):
    Notification.objects.bulk_create(
        Notification(
            recipient=staff.li,
            agency=registered.agency,
            case=registered,
            kind="decided",
            text=f"第{n}条",
        )
        for n in range(120)
    )
    client.force_login(staff.li.user)
    assert client.get(reverse("office:desk-count")).json() == {"count": 100}
    assert "通知（未读 100+）" in desk_section(client, staff.li)
