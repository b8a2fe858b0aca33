"""预警: rules kept as data raise alerts when their condition starts to hold, resolve them when
it stops, escalate the ones nobody acknowledged, and show each to the people it concerns."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from sanxiang.alerts.models import Alert, AlertRule, AlertStatus
from sanxiang.alerts.selectors import alerts_for
from sanxiang.alerts.services import (
    AlertRefused,
    alert_acknowledge,
    alert_resolve,
    alerts_escalate,
    alerts_evaluate,
)
from sanxiang.cases.services import case_transition
from sanxiang.core.workdays import package_calendar
from sanxiang.ledger.models import LedgerEntry
from tests.cases.conftest import ready_case
from tests.conftest import make_officer


@pytest.fixture
def registered(staff):
    case = ready_case(staff)
    return case_transition(actor=staff.head, case_id=case.pk, action="register")


def test_a_decision_deadline_near_raises_one_alert_and_it_resolves_when_no_longer_near(
    staff, registered
):
    due = registered.decision_due_on
    assert not Alert.objects.exists()  # 立案 itself: ninety days ahead, nothing to say
    counts = alerts_evaluate(today=due - timedelta(days=5))
    assert counts.raised == 1
    alert = Alert.objects.get()
    assert alert.case_id == registered.pk and "5 日后届满" in alert.text
    assert LedgerEntry.objects.filter(action="alerts.alert.raised", object_id=str(alert.pk))
    # A second check the same day raises nothing new.
    assert alerts_evaluate(today=due - timedelta(days=5)).raised == 0
    assert alerts_evaluate(today=due - timedelta(days=30)).resolved == 1
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED and alert.resolution.startswith("情况已消除")


def test_the_threshold_is_the_administrators_data(staff, registered):
    AlertRule.objects.filter(key="decision_due_soon").update(threshold=3)
    assert alerts_evaluate(today=registered.decision_due_on - timedelta(days=5)).raised == 0
    AlertRule.objects.filter(key="decision_due_soon").update(enabled=False)
    assert alerts_evaluate(today=registered.decision_due_on + timedelta(days=1)).raised == 0


def test_handlers_and_the_head_see_the_alert_other_officers_do_not(staff, registered):
    alerts_evaluate(today=registered.decision_due_on + timedelta(days=2))
    alert = Alert.objects.get()
    assert "已超过决定期限 2 日" in alert.text
    for who in (staff.zhang, staff.li, staff.head):
        assert list(alerts_for(who)) == [alert]
    assert list(alerts_for(staff.wang)) == []
    assert list(alerts_for(staff.zhou)) == []


def test_an_unacknowledged_alert_is_escalated_to_the_head_after_its_working_days(staff, registered):
    AlertRule.objects.filter(key="decision_due_soon").update(audience="承办人", escalate_after=3)
    alerts_evaluate(today=registered.decision_due_on - timedelta(days=1))
    alert = Alert.objects.get()
    assert list(alerts_for(staff.head)) == []
    assert alerts_escalate(today=alert.raised_on) == 0
    assert alerts_escalate(today=alert.raised_on + timedelta(days=10)) == 1
    assert list(alerts_for(staff.head)) == [alert]
    assert LedgerEntry.objects.filter(action="alerts.alert.escalated", object_id=str(alert.pk))


def test_an_acknowledged_alert_is_not_escalated(staff, registered):
    alerts_evaluate(today=registered.decision_due_on - timedelta(days=1))
    alert = Alert.objects.get()
    alert_acknowledge(actor=staff.zhang, alert_id=alert.pk)
    assert alerts_escalate(today=alert.raised_on + timedelta(days=30)) == 0
    with pytest.raises(AlertRefused, match="已确认"):
        alert_acknowledge(actor=staff.li, alert_id=alert.pk)


def test_repeated_declines_alert_the_supervisor_and_never_the_head_who_declined(staff, agency):
    supervisor = make_officer(
        unit=agency.units.get(name="法制科"), name="郑监督", number=None, roles=("supervisor",)
    )
    for _ in range(3):
        case = ready_case(staff)
        case_transition(actor=staff.head, case_id=case.pk, action="decline")
    alert = Alert.objects.get(rule__key="repeated_no_filing")  # raised by the third step
    assert "不予立案 3 次" in alert.text
    assert list(alerts_for(supervisor)) == [alert]
    assert list(alerts_for(staff.head)) == []
    alerts_escalate(today=alert.raised_on + timedelta(days=30))
    alert.refresh_from_db()
    assert alert.escalated_at is not None
    assert list(alerts_for(staff.head)) == []  # not even escalated: it is about him


def test_a_seizure_recorded_without_full_video_is_flagged_until_the_video_is_filed(
    staff, coercive_case
):
    """The 实施 step itself refuses to run without the video (a guard); the alert watches the
    records that did not pass through it, e.g. migrated from an older system, as simulated here."""
    from django.utils import timezone

    from sanxiang.cases.models import Case
    from tests.cases.conftest import attach_full_video

    Case.objects.filter(pk=coercive_case.pk).update(
        state="in_force", measure_taken_at=timezone.now()
    )
    today = timezone.localdate()
    assert alerts_evaluate(today=today).raised == 1
    alert = Alert.objects.get(rule__key="seizure_without_video")
    assert "没有登记全程录像" in alert.text
    attach_full_video(staff, coercive_case)
    assert alerts_evaluate(today=today).resolved == 1


def test_the_page_lists_acknowledges_and_resolves_with_a_note(client, staff, registered):
    alerts_evaluate(today=registered.decision_due_on - timedelta(days=1))
    alert = Alert.objects.get()
    client.force_login(staff.zhang.user)
    page = client.get(reverse("alerts:list")).content.decode()
    assert "办案期限将届满或已超期" in page and "行政处罚法第六十条" in page
    answer = client.post(reverse("alerts:act", args=[alert.pk, "acknowledge"]))
    assert answer.status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED and alert.acknowledged_by == staff.zhang
    empty = client.post(reverse("alerts:act", args=[alert.pk, "resolve"]), {"note": " "})
    assert empty.status_code == 400 and "请写明处理情况" in empty.content.decode()
    done = client.post(
        reverse("alerts:act", args=[alert.pk, "resolve"]), {"note": "已报请负责人延长期限"}
    )
    assert done.status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED and alert.resolved_by == staff.zhang


def test_someone_the_alert_does_not_concern_cannot_act_on_it(client, staff, registered):
    alerts_evaluate(today=registered.decision_due_on - timedelta(days=1))
    alert = Alert.objects.get()
    client.force_login(staff.wang.user)
    answer = client.post(reverse("alerts:act", args=[alert.pk, "acknowledge"]))
    assert answer.status_code == 400 and "无权处理" in answer.content.decode()
    with pytest.raises(AlertRefused):
        alert_resolve(actor=staff.wang, alert_id=alert.pk, note="x")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
    assert client.post(reverse("alerts:act", args=[alert.pk, "delete"])).status_code == 302


def test_a_supervising_bodys_supervisor_sees_the_alerts_of_the_agencies_of_its_area(
    client, staff, agency, registered
):
    from sanxiang.org.models import Agency, SupervisoryBody, Unit
    from tests.conftest import credit_code

    bureau = Agency.objects.create(
        name="测试市司法局", credit_code=credit_code(7), level="municipal", region="测试市",
        address="测试市人民路 9 号", phone="0999-7654321", authority_basis="测试市机构编制文件",
    )  # fmt: skip
    body = SupervisoryBody.objects.create(
        name="测试市司法局", level="municipal", region="测试市", agency=bureau
    )
    body.agencies.add(agency)
    watcher = make_officer(
        unit=Unit.objects.create(agency=bureau, name="执法监督科"), name="钱监督",
        number=None, roles=("supervisor",),
        user=User.objects.create_user("qian"),
    )  # fmt: skip
    AlertRule.objects.filter(key="decision_due_soon").update(audience="监督人员")
    alerts_evaluate(today=registered.decision_due_on - timedelta(days=1))
    # (The agency, now under a body, also owes last year's 报送: those rules raise their own.)
    alert = Alert.objects.get(rule__key="decision_due_soon")
    assert list(alerts_for(watcher).filter(rule__key="decision_due_soon")) == [alert]
    client.force_login(watcher.user)
    answer = client.post(reverse("alerts:act", args=[alert.pk, "acknowledge"]))
    assert answer.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == watcher


def test_a_step_checks_only_its_own_cases_alerts_in_one_pass(staff, registered):
    """After a step, every rule looks at this case alone, in one pass (one query for the rules,
    one per evaluator, one for the open alerts of all rules): an alert on another case stays."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    other = case_transition(actor=staff.head, case_id=ready_case(staff).pk, action="register")
    alerts_evaluate(today=registered.decision_due_on - timedelta(days=5))
    assert Alert.objects.filter(status=AlertStatus.OPEN).count() == 2
    # Today the deadline is ninety days ahead: the step's check resolves this case's alert.
    case_transition(actor=staff.head, case_id=registered.pk, action="withdraw")
    assert Alert.objects.get(case_id=registered.pk).status == AlertStatus.RESOLVED
    assert Alert.objects.get(case_id=other.pk).status == AlertStatus.OPEN
    due = other.decision_due_on
    assert due is not None
    with CaptureQueriesContext(connection) as captured:
        alerts_evaluate(today=due - timedelta(days=5), case=other)
    # The rules, a savepoint and its release, eight evaluator queries, the open alerts (it was
    # 30: a savepoint and an open-alert query per rule).
    assert len(captured.captured_queries) <= 12, [q["sql"][:60] for q in captured.captured_queries]
    assert Alert.objects.get(case_id=other.pk).status == AlertStatus.OPEN


@pytest.mark.dates
def test_escalation_counts_into_a_year_not_yet_entered_instead_of_stopping(staff, registered):
    """From late December the 3 working days run into a year whose holiday schedule is not
    entered: counted Monday to Friday (暂定), never an error that stops the periodic job."""
    last = max(package_calendar().years)
    AlertRule.objects.filter(key="decision_due_soon").update(audience="承办人", escalate_after=3)
    alerts_evaluate(today=registered.decision_due_on - timedelta(days=1))
    Alert.objects.update(raised_on=date(last, 12, 30))
    assert alerts_escalate(today=date(last, 12, 31)) == 0
    assert alerts_escalate(today=date(last + 1, 1, 12)) == 1
