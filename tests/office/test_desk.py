"""工作台: what waits for each officer, by role, on the office home page."""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from sanxiang.cases.models import Case
from sanxiang.cases.services import case_transition
from tests.conftest import prepare_step, statement_on_file
from tests.review.test_review_flow import submit


def section(page: str, title_id: str) -> str:
    """The part of the 工作台 from one heading to the next."""
    start = page.index(f'id="{title_id}"')
    end = page.find("<h3", start + 1)
    return page[start : end if end != -1 else len(page)]


def desk(client, officer) -> str:
    client.force_login(officer.user)
    page: str = client.get(reverse("office:home")).content.decode()
    return page


def test_a_head_finds_the_case_waiting_for_his_approval_of_the_registration(
    client, staff, general_case
):
    waiting = section(desk(client, staff.head), "waiting-title")
    assert general_case.title in waiting and "立案" in waiting
    # 立案 is the 负责人's step: an officer does not find it waiting for him.
    assert general_case.title not in section(desk(client, staff.zhang), "waiting-title")


def test_a_handler_finds_his_next_step_and_another_officer_does_not(client, staff, general_case):
    case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    waiting = section(desk(client, staff.zhang), "waiting-title")
    assert general_case.title in waiting and "调查终结" in waiting
    # 王强 is in the same unit but does not handle the case: 调查终结 is the handlers' step.
    assert general_case.title not in section(desk(client, staff.wang), "waiting-title")


def test_a_step_whose_guard_refuses_is_not_offered_as_waiting(client, staff, general_case):
    case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    prepare_step(staff.zhang, general_case.pk, "conclude")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="conclude")
    prepare_step(staff.zhang, general_case.pk, "notify")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="notify")
    # The decision is declared from 已事先告知, but the party has not yet stated his case nor
    # has his period run out (行政处罚法第四十五条、第六十四条): its guards refuse, so it is not
    # on the 负责人's desk; nor is 不予行政处罚, which waits for a 不予处罚 proposal, the party's
    # education and its decision document (第三十三条).
    head = section(desk(client, staff.head), "waiting-title")
    assert general_case.title not in head
    assert "作出行政处罚决定" not in head and "不予行政处罚" not in head
    # The handlers may record the party's statement once its 笔录 is made (第四十五条).
    assert "记录当事人已陈述" not in section(desk(client, staff.zhang), "waiting-title")
    statement_on_file(staff.zhang, general_case)
    assert "记录当事人已陈述" in section(desk(client, staff.zhang), "waiting-title")


def test_overdue_and_soon_due_steps_are_listed_and_counted_in_the_navigation(
    client, staff, general_case
):
    case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    today = timezone.localdate()
    Case.objects.filter(pk=general_case.pk).update(step_due_on=today - timedelta(days=1))
    page = desk(client, staff.zhang)
    deadlines = section(page, "deadline-title")
    assert "已超期 1" in deadlines and general_case.title in deadlines
    # The row links to the case page and gives the basis of its due date.
    basis = Case.objects.get(pk=general_case.pk).step_due_basis
    assert basis and basis in deadlines
    assert reverse("cases:detail", args=[general_case.pk]) in deadlines
    # The navigation asks for its count once the page is drawn.
    nav = re.search(r'<a href="[^"]*" id="nav-desk" data-count-url="([^"]+)">', page)
    assert nav is not None
    # The overdue step, and the unread notification that 刘志强 registered the case.
    assert client.get(nav.group(1)).json() == {"count": 2}
    Case.objects.filter(pk=general_case.pk).update(step_due_on=today)
    deadlines = section(desk(client, staff.zhang), "deadline-title")
    assert "已超期 0" in deadlines and "3 个工作日内到期 1" in deadlines


def test_the_reviewer_finds_the_review_sent_to_him(client, staff, notified_case):
    review = submit(staff, notified_case)
    page = desk(client, staff.zhou)
    reviews = section(page, "reviews-title")
    assert notified_case.title in reviews and reverse("review:detail", args=[review.pk]) in reviews
    assert notified_case.title not in section(desk(client, staff.head), "reviews-title")
    # No step of a case is a 法制审核人员's to take (办、审分离).
    assert "待我办理的案件（0）" in section(page, "waiting-title")


def test_the_badge_counts_each_list_once(client, staff, notified_case, on_spot_case):
    """The badge's four counts are read in one query: each must still count its own list —
    the overdue step, the review waiting, the overdue publication and the unread notices."""
    from sanxiang.disclosure.models import Publication
    from sanxiang.disclosure.selectors import overdue_for
    from sanxiang.notifications.selectors import unread_count
    from sanxiang.review.selectors import queue_for

    today = timezone.localdate()
    submit(staff, notified_case)
    Case.objects.filter(pk=notified_case.pk).update(step_due_on=today - timedelta(days=2))
    spot = on_spot_case()
    case_transition(actor=staff.zhang, case_id=spot.pk, action="decide_on_spot")
    Publication.objects.filter(case=spot).update(due_on=today - timedelta(days=1))
    found = {}
    for officer in (staff.zhang, staff.head, staff.zhou):
        page = desk(client, officer)
        late = re.search(r"已超期 (\d+)", section(page, "deadline-title"))
        assert late is not None
        kinds = [int(late.group(1)), queue_for(officer).count(), overdue_for(officer).count(),
                 unread_count(officer)]  # fmt: skip
        assert client.get(reverse("office:desk-count")).json()["count"] == sum(kinds), kinds
        found[officer.pk] = kinds
    # Each kind is there for someone, so no sum is right by a zero's chance.
    assert all(any(kinds[n] for kinds in found.values()) for n in range(4)), found


def test_a_decision_to_publish_is_on_the_desk(client, staff, on_spot_case):
    case = on_spot_case()
    case_transition(actor=staff.zhang, case_id=case.pk, action="decide_on_spot")
    publish = section(desk(client, staff.head), "publish-title")
    assert "待确认 1" in publish and "待公示" in publish


def test_the_count_is_for_logged_in_staff_only(client, db):
    response = client.get(reverse("office:desk-count"))
    assert response.status_code == 302 and "/office/login/" in response["Location"]


def test_the_desk_lists_the_most_urgent_overdue_cases_and_counts_them_all(client, staff):
    from sanxiang.office.desk import SHOWN
    from tests.cases.conftest import ready_case

    today = timezone.localdate()
    cases = [ready_case(staff, title=f"占道经营第{n}起") for n in range(SHOWN + 3)]
    for n, case in enumerate(cases):
        Case.objects.filter(pk=case.pk).update(step_due_on=today - timedelta(days=n + 1))
    page = desk(client, staff.zhang)
    deadlines = section(page, "deadline-title")
    # All 23 are counted; the 20 most overdue are listed, and 我的案件 holds the rest.
    assert f"已超期 {SHOWN + 3}" in deadlines
    assert deadlines.count('<li class="overdue">') == SHOWN
    assert cases[-1].title in deadlines and cases[0].title not in deadlines
    assert f"各列出最紧急的 {SHOWN} 件" in deadlines and reverse("cases:mine") in deadlines
    nav = re.search(r'data-count-url="([^"]+)"', page)
    assert nav is not None and client.get(nav.group(1)).json() == {"count": SHOWN + 3}


def test_his_own_case_is_not_crowded_out_by_colleagues_cases_more_urgent_than_it(client, staff):
    """The desk asks the engine about the ``DESK_CANDIDATES`` most urgent candidates. 调查终结
    is for the case's 承办人 only, so only the cases an officer handles are his candidates in
    立案调查: his colleagues' cases, however urgent, do not push his own off his desk."""
    from sanxiang.cases.selectors import DESK_CANDIDATES
    from tests.cases.conftest import ready_case

    today = timezone.localdate()
    mine = ready_case(staff, title="张伟承办的占道经营案")
    case_transition(actor=staff.head, case_id=mine.pk, action="register")
    theirs = [ready_case(staff, title=f"同事承办第{n}起") for n in range(DESK_CANDIDATES)]
    for case in theirs:
        case.handlers.set([staff.li, staff.wang])
    # The colleagues' cases in 立案调查 too, each due before his.
    Case.objects.filter(pk__in=[case.pk for case in theirs]).update(
        state="investigating", step_due_on=today
    )
    Case.objects.filter(pk=mine.pk).update(step_due_on=today + timedelta(days=5))
    waiting = section(desk(client, staff.zhang), "waiting-title")
    assert mine.title in waiting and "调查终结" in waiting
    assert "同事承办" not in waiting
