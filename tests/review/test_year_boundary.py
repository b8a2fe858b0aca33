"""The year boundary in production: late in December, before next year's holiday schedule is
entered, reviews, 查封扣押 approvals and publications go on with provisional (暂定) due dates,
a party's late act is accepted and flagged, and entering the year puts the real dates in."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from sanxiang.cases.models import Case
from sanxiang.cases.services import case_transition
from sanxiang.cases.workflow.engine import TransitionRefused
from sanxiang.core.models import CalendarDay, CalendarYear, ProvisionalDeadline
from sanxiang.disclosure.models import Publication
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.verify import verify_ledger
from sanxiang.review.models import Review
from sanxiang.review.services import opinion_write, review_submit
from tests.cases.conftest import attach_full_video, ready_case
from tests.conftest import prepare_step
from tests.core.boundary import UNKNOWN, at, next_year_unknown  # noqa: F401 - a fixture
from tests.review.conftest import declared_all, registered_with_file
from tests.review.test_gate import measure  # noqa: F401 - a fixture
from tests.review.test_review_flow import ALL_OK, submit

pytestmark = pytest.mark.usefixtures("next_year_unknown")

# Monday 28 December: five working days reach into the unknown year (29, 30, 31, 1, 4).
LATE_DECEMBER = at(UNKNOWN - 1, 12, 28)
PROVISIONAL_FIVE = date(UNKNOWN, 1, 4)
# The schedule entered later: 1 January (a Friday) is 元旦.
SCHEDULE = f"日期,是否工作日,说明\n{UNKNOWN}-01-01,否,元旦\n{UNKNOWN}-02-15,否,春节\n"
REAL_FIVE = date(UNKNOWN, 1, 5)


@pytest.fixture
def notified_case(staff, general_case, defaults):
    """The review tests' notified case, opened early in December (so its decision period of
    行政处罚法第六十条 still runs at the end of the month)."""
    with time_machine.travel(at(UNKNOWN - 1, 12, 1), tick=False):
        registered_with_file(staff, general_case)
        for action in ("conclude", "notify", "record_statement"):
            prepare_step(staff.zhang, general_case.pk, action)
            case_transition(actor=staff.zhang, case_id=general_case.pk, action=action)
    return Case.objects.get(pk=general_case.pk)


def marks() -> set[tuple[str, str]]:
    return set(ProvisionalDeadline.objects.values_list("object_type", "field"))


def test_a_review_submitted_in_late_december_gets_a_provisional_due_date_instead_of_an_error(
    staff, notified_case
):
    with time_machine.travel(LATE_DECEMBER, tick=False):
        review = submit(staff, notified_case)
    assert review.due_on == PROVISIONAL_FIVE
    assert marks() == {("review.review", "due_on")}
    assert LedgerEntry.objects.filter(action="core.provisionaldeadline.recorded").exists()


def test_ledger_verify_passes_while_a_review_deadline_is_provisional(staff, notified_case):
    """The 暂定 mark's ledger event is about the review but is not a review record."""
    with time_machine.travel(LATE_DECEMBER, tick=False):
        submit(staff, notified_case)
    report = verify_ledger()
    assert report.ok, report.problems


def test_a_seizure_approved_in_late_december_is_published_against_a_provisional_due_date(
    staff,
    measure,  # noqa: F811 - the fixture
    defaults,
):
    with time_machine.travel(LATE_DECEMBER, tick=False):
        attach_full_video(staff, measure)
        review = review_submit(
            actor=staff.zhang, case_id=measure.pk, declared=declared_all(defaults), confirmed=True
        )
        opinion_write(
            actor=staff.zhou, review_id=review.pk, points=ALL_OK, conclusion="agree",
            summary="同意",
        )  # fmt: skip
        approved = case_transition(actor=staff.head, case_id=measure.pk, action="approve")
    assert approved.state == "approved"
    publication = Publication.objects.get(case=measure)
    assert publication.due_on.year == UNKNOWN
    assert ("disclosure.publication", "due_on") in marks()


def test_provisional_dates_show_as_zanding_on_the_review_case_and_disclosure_pages(
    client, staff, notified_case
):
    with time_machine.travel(LATE_DECEMBER, tick=False):
        review = submit(staff, notified_case)
        opinion_write(
            actor=staff.zhou, review_id=review.pk, points=ALL_OK, conclusion="agree",
            summary="同意",
        )  # fmt: skip
        case_transition(actor=staff.head, case_id=notified_case.pk, action="decide")
        publication = Publication.objects.get(case=notified_case)
        client.force_login(staff.zhou.user)
        review_page = client.get(reverse("review:detail", args=[review.pk])).content.decode()
        client.force_login(staff.head.user)
        case_page = client.get(reverse("cases:detail", args=[notified_case.pk])).content.decode()
        queue = client.get(reverse("disclosure:queue")).content.decode()
        detail = client.get(reverse("disclosure:detail", args=[publication.pk])).content.decode()
    assert f"{PROVISIONAL_FIVE:%Y-%m-%d}" in review_page and "暂定" in review_page
    # 送达: seven working days from the decision (行政处罚法第六十一条), provisional too.
    step_due_on = Case.objects.get(pk=notified_case.pk).step_due_on
    assert step_due_on is not None and step_due_on.year == UNKNOWN
    assert "暂定" in case_page
    assert "暂定" in queue and "暂定" in detail


def test_an_exact_date_shows_without_the_zanding_mark(client, staff, notified_case):
    with time_machine.travel(at(UNKNOWN - 1, 12, 14), tick=False):
        review = submit(staff, notified_case)
        client.force_login(staff.zhou.user)
        page = client.get(reverse("review:detail", args=[review.pk])).content.decode()
    assert review.due_on == date(UNKNOWN - 1, 12, 21)
    assert "暂定" not in page


@pytest.fixture
def hearing_case(staff, general_case, defaults):
    Case.objects.filter(pk=general_case.pk).update(hearing_right=True)
    with time_machine.travel(LATE_DECEMBER, tick=False):
        registered_with_file(staff, general_case)
        prepare_step(staff.zhang, general_case.pk, "conclude")
        case_transition(actor=staff.zhang, case_id=general_case.pk, action="conclude")
        prepare_step(staff.zhang, general_case.pk, "notify")
        case_transition(actor=staff.zhang, case_id=general_case.pk, action="notify")
    return Case.objects.get(pk=general_case.pk)


def test_a_hearing_request_after_a_provisional_deadline_is_accepted_and_flagged(
    staff, hearing_case
):
    assert hearing_case.step_due_on == PROVISIONAL_FIVE
    with time_machine.travel(at(UNKNOWN, 1, 5), tick=False):  # the real last day, as it turns out
        requested = case_transition(
            actor=staff.zhang, case_id=hearing_case.pk, action="request_hearing"
        )
    assert requested.state == "hearing_requested"
    flag = LedgerEntry.objects.get(action="cases.case.provisional_deadline_passed")
    assert flag.object_id == str(hearing_case.pk)


def test_the_agency_does_not_decide_while_a_provisional_hearing_window_may_still_be_open(
    staff, hearing_case
):
    with time_machine.travel(at(UNKNOWN, 1, 5), tick=False):
        prepare_step(staff.zhang, hearing_case.pk, "record_statement")
        case_transition(actor=staff.zhang, case_id=hearing_case.pk, action="record_statement")
        with pytest.raises(TransitionRefused, match="暂定日期"):
            case_transition(actor=staff.head, case_id=hearing_case.pk, action="decide")


def test_a_late_hearing_request_on_an_exact_deadline_is_still_refused(
    staff, general_case, defaults
):
    Case.objects.filter(pk=general_case.pk).update(hearing_right=True)
    with time_machine.travel(at(UNKNOWN - 1, 12, 7), tick=False):
        registered_with_file(staff, general_case)
        prepare_step(staff.zhang, general_case.pk, "conclude")
        case_transition(actor=staff.zhang, case_id=general_case.pk, action="conclude")
        prepare_step(staff.zhang, general_case.pk, "notify")
        case_transition(actor=staff.zhang, case_id=general_case.pk, action="notify")
    late = at(UNKNOWN - 1, 12, 15)
    with time_machine.travel(late, tick=False), pytest.raises(TransitionRefused, match="已逾期"):
        case_transition(actor=staff.zhang, case_id=general_case.pk, action="request_hearing")
    assert not LedgerEntry.objects.filter(action="cases.case.provisional_deadline_passed").exists()


def test_importing_the_year_recomputes_every_provisional_date_and_records_each_change(
    tmp_path, staff, hearing_case
):
    with time_machine.travel(LATE_DECEMBER, tick=False):
        other = registered_with_file(staff, ready_case(staff, party_name="赵某"))
        for action in ("conclude", "notify", "record_statement"):
            prepare_step(staff.zhang, other.pk, action)
            case_transition(actor=staff.zhang, case_id=other.pk, action=action)
        review = submit(staff, other)
    path = tmp_path / "schedule.csv"
    path.write_text(SCHEDULE, encoding="utf-8")
    with time_machine.travel(at(UNKNOWN - 1, 12, 30), tick=False):
        call_command(
            "workdays", "import-year", str(path), "--year", str(UNKNOWN), "--source", "测试通知"
        )
    assert Review.objects.get(pk=review.pk).due_on == REAL_FIVE
    assert Case.objects.get(pk=hearing_case.pk).step_due_on == REAL_FIVE
    assert not ProvisionalDeadline.objects.exists()
    recomputed = LedgerEntry.objects.filter(action="core.provisionaldeadline.recomputed")
    assert {(e.object_type, e.object_id) for e in recomputed} == {
        ("review.review", str(review.pk)),
        ("cases.case", str(hearing_case.pk)),
    }


def test_entering_the_year_in_the_admin_recomputes_provisional_dates(
    client, staff, notified_case, django_user_model
):
    with time_machine.travel(LATE_DECEMBER, tick=False):
        review = submit(staff, notified_case)
    admin = django_user_model.objects.create_superuser("root", password="x" * 12)
    with time_machine.travel(at(UNKNOWN - 1, 12, 30), tick=False):
        client.force_login(admin)
        year_form = {"year": UNKNOWN, "source": "测试通知", "note": ""}
        add_year = reverse("admin:core_calendaryear_add")
        refused = client.post(add_year, year_form)
        assert (
            refused.status_code == 200
            and "请先在“节假日调整”中逐日录入" in refused.content.decode()
        )
        day = {"date": f"{UNKNOWN}-01-01", "is_workday": "", "note": "元旦", "source": "测试通知"}
        assert client.post(reverse("admin:core_calendarday_add"), day).status_code == 302
        # A day alone does not declare the year: the date stays provisional.
        assert Review.objects.get(pk=review.pk).due_on == PROVISIONAL_FIVE
        assert client.post(add_year, year_form).status_code == 302
    assert CalendarYear.objects.filter(year=UNKNOWN).exists()
    assert CalendarDay.objects.filter(date=date(UNKNOWN, 1, 1)).exists()
    assert Review.objects.get(pk=review.pk).due_on == REAL_FIVE
    assert not ProvisionalDeadline.objects.exists()
    assert LedgerEntry.objects.filter(
        action="core.provisionaldeadline.recomputed", object_id=str(review.pk)
    ).exists()


def test_the_party_sees_his_statement_and_hearing_deadlines_marked_zanding(
    client, staff, hearing_case
):
    from sanxiang.cases.party_access import party_code_ensure
    from tests.portal.test_party_query import ask

    with time_machine.travel(at(UNKNOWN - 1, 12, 29), tick=False):
        code = party_code_ensure(actor=staff.zhang, case_id=hearing_case.pk).code
        assert ask(client, hearing_case.number, code).status_code == 302
        page = client.get(reverse("portal:party-case")).content.decode()
    assert "陈述、申辩期限" in page and "要求听证期限" in page
    assert page.count(">暂定<") == 2
