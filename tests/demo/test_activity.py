"""``sanxiang demo``'s year of activity: cases in every state, made through the services."""

from __future__ import annotations

from collections import Counter

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from sanxiang.alerts.services import alerts_scan
from sanxiang.cases.models import Case
from sanxiang.demo.activity import CITY_MIX, activity_load, activity_present
from sanxiang.demo.complaints import demo_complaints_load
from sanxiang.demo.inspections import demo_draws_load
from sanxiang.demo.opinions import demo_opinions_load
from sanxiang.demo.permits import demo_permits_load
from sanxiang.demo.services import demo_load
from sanxiang.demo.training import demo_training_load
from sanxiang.disclosure.models import AnnualReport, Publication, PublicationStatus
from sanxiang.ledger.verify import verify_ledger
from sanxiang.org.models import Officer
from sanxiang.review.models import Review
from tests.conftest import TEST_NOW

#: Enough for every (procedure, end state) of the city agency's mix to be dealt once.
CASES = len(CITY_MIX)


@pytest.fixture(scope="module")
def demo_year(django_db_setup, django_db_blocker):
    """One demo year for the whole module (it takes a while), rolled back afterwards."""
    with (
        django_db_blocker.unblock(),
        time_machine.travel(TEST_NOW, tick=True),
        transaction.atomic(),
    ):
        demo_load()
        summary = activity_load(cases=CASES)
        demo_draws_load()  # as `sanxiang demo` does after the year
        demo_permits_load()  # and then the permits
        demo_complaints_load()
        demo_training_load()
        demo_opinions_load()  # and the supervision opinions
        alerts_scan(today=timezone.localdate())
        yield summary
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_each_demo_agency_has_a_finished_draw_anyone_can_recompute(demo_year):
    from sanxiang.inspections import draw
    from sanxiang.inspections.models import InspectionTask, TaskState

    tasks = list(InspectionTask.objects.all())
    assert len(tasks) == 2 and {t.state for t in tasks} == {TaskState.DRAWN}
    for task in tasks:
        result = draw.run(
            candidates=task.candidates,
            inspectors=task.inspectors,
            beacons=[b.value for b in task.beacons.order_by("position")],
            k=task.k,
            m=task.m,
            conflicts=task.conflicts,
        )
        assert (result.seed_hex, result.targets) == (task.seed, task.targets)
        assert task.drawn.count() == task.k  # an inspection case per drawn target


def states() -> Counter[tuple[str, str]]:
    return Counter(Case.objects.values_list("procedure", "state"))


@pytest.mark.django_db
def test_every_procedure_reaches_each_of_its_states(demo_year):
    seen = set(states())
    expected = {
        ("penalty_simple", state)
        for state in ("on_site", "served", "closed", "archived", "converted")
    } | {
        ("penalty_general", state)
        for state in ("clue", "not_registered", "investigating", "investigated", "notified",
                      "hearing_requested", "hearing_noticed", "heard", "under_review",
                      "decided", "served", "withdrawn", "no_penalty", "closed")
    } | {
        ("coercive_measure", state)
        for state in ("proposed", "under_review", "in_force", "released", "confiscated", "closed")
    } | {
        ("inspection", state)
        for state in ("planned", "checked", "no_violation", "violation_found", "closed")
    }  # fmt: skip
    assert expected <= seen, sorted(expected - seen)
    # The year's cases; the draws made after it open their own 行政检查 cases.
    assert demo_year.cases == Case.objects.filter(random_draw__isnull=True).count()


@pytest.mark.django_db
def test_reviews_pass_some_after_being_returned_and_some_wait(demo_year):
    statuses = Counter(Review.objects.values_list("status", flat=True))
    assert statuses["passed"] and statuses["under_review"] and statuses["returned"]
    returned_then_passed = Review.objects.filter(status="passed", rounds__number=2)
    assert returned_then_passed.exists()


@pytest.mark.django_db
def test_the_ledger_of_the_demo_year_verifies(demo_year):
    report = verify_ledger()
    assert report.ok, report.problems[:5]


@pytest.mark.django_db
def test_the_portal_lists_published_decisions_and_shows_a_withdrawn_one_as_withdrawn(
    demo_year, client
):
    published = Publication.objects.filter(status=PublicationStatus.PUBLISHED)
    assert published.count() >= 10
    listing = client.get(reverse("portal:decisions")).content.decode()
    # Newest as the portal lists them: by decision date (demo permits are recorded last, for
    # decisions of the past weeks, so the highest pk is not the newest decision).
    newest = published.order_by("-decided_on", "-pk").first()
    assert newest is not None and newest.title in listing
    withdrawn = Publication.objects.filter(status=PublicationStatus.WITHDRAWN).first()
    assert withdrawn is not None
    page = client.get(reverse("portal:decision", args=[withdrawn.pk])).content.decode()
    assert "该执法决定信息已撤下" in page


@pytest.mark.django_db
def test_an_annual_report_of_last_year_is_published(demo_year, client):
    assert AnnualReport.objects.filter(year=TEST_NOW.year - 1).count() == 2
    assert "年度" in client.get(reverse("portal:reports")).content.decode()


@pytest.mark.django_db
def test_a_demo_officers_desk_shows_work_waiting(demo_year, client):
    officer = Officer.objects.get(user__username="zhangwei")
    client.force_login(officer.user)
    page = client.get(reverse("office:home")).content.decode()
    assert "项待办" in page
    assert "共 0 项待办" not in page


@pytest.mark.django_db
def test_cases_are_spread_over_the_year_before_today(demo_year):
    # The year's cases (the draws after it are made at today's time, which ticks on).
    year = Case.objects.filter(random_draw__isnull=True)
    opened = sorted(year.values_list("created_at", flat=True))
    assert (opened[-1] - opened[0]).days > 300
    assert opened[-1] <= TEST_NOW


@pytest.mark.django_db
def test_running_the_demo_again_adds_no_case(demo_year):
    before = Case.objects.count()
    assert activity_present()
    assert activity_load(cases=CASES).skipped
    demo_load()
    assert Case.objects.count() == before


@pytest.mark.django_db
def test_the_command_run_again_says_the_cases_exist_and_the_ledger_does_not_grow(demo_year):
    from io import StringIO

    from django.core.management import call_command

    from sanxiang.ledger.models import LedgerEntry

    before = LedgerEntry.objects.count()
    out = StringIO()
    call_command("demo", cases=CASES, stdout=out)
    assert "演示案件已存在，未重复生成" in out.getvalue()
    assert LedgerEntry.objects.count() == before


@pytest.mark.django_db
def test_each_demo_agency_has_permits_some_published_and_one_revoked(demo_year):
    from sanxiang.acts.models import Permit, Standing
    from sanxiang.disclosure.models import Publication, PublicationStatus

    for agency_id in Permit.objects.values_list("agency_id", flat=True).distinct():
        permits = Permit.objects.filter(agency_id=agency_id)
        assert permits.count() >= 30
        assert permits.filter(standing=Standing.REVOKED).count() == 1
        assert Publication.objects.filter(
            permit__agency_id=agency_id, status=PublicationStatus.PUBLISHED
        ).exists()
    assert Permit.objects.values("agency_id").distinct().count() == 2


@pytest.mark.django_db
def test_the_demo_year_ends_with_a_published_evaluation_campaign_that_verifies(demo_year, client):
    from sanxiang.evaluation.models import Campaign, CampaignStatus, FindingAttachment
    from sanxiang.evaluation.selectors import verify

    campaign = Campaign.objects.get()
    assert campaign.status == CampaignStatus.CLOSED and campaign.published_at is not None
    assert campaign.beacon.startswith("演示随机源：")  # no lottery result invented
    frozen, known, drawn = campaign.frozen_at, campaign.beacon_known_at, campaign.drawn_at
    assert frozen is not None and known is not None and drawn is not None
    assert frozen < known <= drawn  # the value was entered after its declared publication
    assignments = list(campaign.assignments.all())
    assert assignments and all(a.submitted_at and a.answered_at for a in assignments)
    assert len({a.agency_id for a in assignments}) == 2
    assert FindingAttachment.objects.filter(assignment__campaign=campaign).count() == 1
    assert verify(campaign) == []
    page = client.get("/gongshi/pingcha/").content.decode()
    assert campaign.name in page and "抽样依据" in page


def test_one_demo_agency_submitted_its_report_upward_and_the_other_is_warned(demo_year):
    from sanxiang.alerts.models import Alert
    from sanxiang.supervision.reporting_models import Submission

    made = Submission.objects.get()
    assert made.on_time and made.kind == "annual_report" and made.year == TEST_NOW.year - 1
    assert made.agency.name == "示范市城市管理综合行政执法局"
    warned = Alert.objects.filter(
        rule__key="report_submission_overdue", subject__contains=":annual_report:"
    )
    assert [a.agency.name for a in warned] == ["示范市市场监督管理局"]


def test_some_demo_cases_record_circumstances_and_their_notice_states_them(demo_year):
    """The demo's handlers tick 裁量情节 on some cases; a 事先告知书 made after them prints them."""
    import io

    from docx import Document

    from sanxiang.cases.models import CaseCircumstance, CaseDocument
    from sanxiang.evidence.storage import blob_name, open_blob

    ticked = set(CaseCircumstance.objects.values_list("case_id", flat=True))
    assert ticked
    notices = [
        n
        for n in CaseDocument.objects.filter(case_id__in=ticked, kind="advance_notice")
        if n.fields.get("circumstances")
    ]
    assert notices
    with open_blob(blob_name(notices[0].docx_sha256)) as handle:
        printed = "\n".join(p.text for p in Document(io.BytesIO(handle.read())).paragraphs)
    first = notices[0].fields["circumstances"][0]["text"]
    assert f"“{first}”" in printed and "阶次" in printed
