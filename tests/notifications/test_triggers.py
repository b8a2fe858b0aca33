"""Each step that brings a case back to someone notifies exactly those people, once, and
never the officer who took the step."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from sanxiang.cases.services import case_transition
from sanxiang.cases.workflow.engine import TransitionRefused
from sanxiang.notifications.models import Notification
from sanxiang.review.services import answer_write, opinion_write
from tests.cases.conftest import attach_full_video, evidence_on_disk, set_basis
from tests.conftest import prepare_step
from tests.review.conftest import declared_all
from tests.review.test_review_flow import ALL_OK, submit, with_problem

pytestmark = pytest.mark.dates  # due dates counted from today (make test-year-end)


def received(kind: str | None = None) -> list[tuple[str, str]]:
    """(recipient, kind) of every notification, in a stable order."""
    rows = Notification.objects.all() if kind is None else Notification.objects.filter(kind=kind)
    return sorted((n.recipient.name, n.kind) for n in rows.select_related("recipient"))


def return_review(staff, case):
    review = submit(staff, case)
    opinion_write(
        actor=staff.zhou, review_id=review.pk, points=with_problem(), conclusion="problems",
        summary="证据不充分，请补充。",
    )  # fmt: skip
    return review


def test_a_returned_review_notifies_each_handler_once_and_not_the_reviewer(staff, notified_case):
    Notification.objects.all().delete()  # 立案 told the handlers already
    return_review(staff, notified_case)
    assert received() == [("张伟", "review_returned"), ("李娜", "review_returned")]
    notice = Notification.objects.get(recipient=staff.zhang)
    assert notice.case_id == notified_case.pk and notice.agency_id == notified_case.agency_id
    assert "法制审核退回" in notice.text and notified_case.title in notice.text
    assert notice.read_at is None


def test_an_answered_review_goes_back_to_its_reviewer(staff, notified_case):
    review = return_review(staff, notified_case)
    Notification.objects.all().delete()
    answer_write(
        actor=staff.zhang, review_id=review.pk, accepted=True, study="同意审核意见。",
        action="已补充现场照片。", declared=declared_all(notified_case.agency),
    )  # fmt: skip
    assert received() == [("周婷", "review_resubmitted")]


def test_a_passed_review_notifies_the_handlers_and_the_head_who_must_decide(staff, notified_case):
    review = submit(staff, notified_case)
    Notification.objects.all().delete()
    opinion_write(
        actor=staff.zhou, review_id=review.pk, points=ALL_OK, conclusion="agree", summary="同意"
    )
    assert received() == [
        ("刘志强", "awaiting_approval"), ("张伟", "review_passed"), ("李娜", "review_passed"),
    ]  # fmt: skip
    assert "待您作出决定" in Notification.objects.get(recipient=staff.head).text


def test_a_decision_notifies_the_handlers_but_not_the_head_who_made_it(
    staff, general_case, articles
):
    set_basis(staff, general_case, articles)
    for actor, action in ((staff.head, "register"), (staff.zhang, "conclude"),
                          (staff.zhang, "notify"), (staff.zhang, "record_statement")):  # fmt: skip
        prepare_step(actor, general_case.pk, action)
        case_transition(actor=actor, case_id=general_case.pk, action=action)
    Notification.objects.all().delete()
    case_transition(actor=staff.head, case_id=general_case.pk, action="decide")
    assert received() == [("张伟", "decided"), ("李娜", "decided")]
    assert "刘志强对" in Notification.objects.get(recipient=staff.li).text
    assert "作出行政处罚决定" in Notification.objects.get(recipient=staff.li).text


def test_an_approval_by_the_head_comes_back_to_the_handlers(staff, general_case):
    case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    assert received() == [("张伟", "approved"), ("李娜", "approved")]
    assert "“立案”" in Notification.objects.get(recipient=staff.zhang).text


def test_the_officer_never_hears_of_his_own_step(staff, general_case):
    # 刘志强 handles the case himself: his 立案 tells the other handlers only.
    general_case.handlers.add(staff.head)
    case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    assert received() == [("张伟", "approved"), ("李娜", "approved")]
    # The handlers' own steps (调查终结) tell nobody.
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="conclude")
    assert Notification.objects.count() == 2


def test_a_refused_step_leaves_no_notification(staff, general_case):
    with pytest.raises(TransitionRefused):
        case_transition(actor=staff.head, case_id=general_case.pk, action="decide")
    assert not Notification.objects.exists()


def test_an_urgent_seizure_asks_the_head_for_approval_within_24_hours(
    settings, tmp_path, staff, coercive_case, articles
):
    """行政强制法第十九条: the 负责人 is told at once, not left to find it."""
    evidence_on_disk(settings, tmp_path)
    set_basis(staff, coercive_case, articles)
    with time_machine.travel(date(2026, 5, 20), tick=False):
        attach_full_video(staff, coercive_case)
        case_transition(actor=staff.zhang, case_id=coercive_case.pk, action="enforce_urgently")
    assert received() == [("刘志强", "awaiting_approval")]
    assert "二十四小时内补办批准" in Notification.objects.get().text


def test_the_heads_of_the_cases_unit_are_asked_before_those_of_the_agency(staff, general_case):
    from sanxiang.notifications.texts import heads_of
    from tests.conftest import make_officer

    captain = make_officer(
        unit=general_case.unit, name="赵队长", number="99010012010", roles=("head", "officer")
    )
    assert heads_of(general_case) == [captain]
    captain.is_active = False
    captain.save()
    assert heads_of(general_case) == [staff.head]
