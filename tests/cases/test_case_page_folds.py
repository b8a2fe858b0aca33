"""The case page reads a related list only when the case's own fetch says it has rows (issue #13:
most decided cases have no payment, schedule, remedy or execution step, most cases no party
signature and no open 执法监督意见, and a clue has no legal basis yet), and reads its two article
lists in one query. Whatever is skipped must never hide a row: for cases that have rows of each
and for one that has none, the page's loading answers as the plain prefetch of every relation,
and the page shows the rows."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sanxiang.cases.models import (
    Case,
    ExecutionStep,
    PartySignature,
    Payment,
    PaymentSchedule,
    Remedy,
)
from sanxiang.cases.selectors import _articles_in_order, case_get_for, guards_prefetch
from sanxiang.cases.services import schedule_approve
from sanxiang.org.models import Article, Law, Officer
from tests.cases.test_execution import _another, outcome, pay, remedy, served, step

RELATIONS = ("payments", "schedules", "remedies", "execution_steps")
HAS = tuple(f"page_has_{name}" for name in (*RELATIONS, "party_signatures", "articles"))
LISTS = (*RELATIONS, "violated_articles", "penalty_articles", "parties", "documents")


def loaded(case: Case) -> dict[str, list[int]]:
    """The rows each relation of a prefetched case holds, in order (and each remedy's steps)."""
    rows = {name: [row.pk for row in getattr(case, name).all()] for name in LISTS}
    rows["remedy_steps"] = [s.pk for r in case.remedies.all() for s in r.steps.all()]
    return rows


def orm_has(case_id: int) -> dict[str, bool]:
    """The page's "has any" facts as the ORM's Exists would answer them."""
    of_case = {"case": OuterRef("pk")}
    through = (Case.violated_articles.through, Case.penalty_articles.through)
    return (
        Case.objects.filter(pk=case_id)
        .annotate(
            page_has_payments=Exists(Payment.objects.filter(**of_case)),
            page_has_schedules=Exists(PaymentSchedule.objects.filter(**of_case)),
            page_has_remedies=Exists(Remedy.objects.filter(**of_case)),
            page_has_execution_steps=Exists(ExecutionStep.objects.filter(**of_case)),
            page_has_party_signatures=Exists(PartySignature.objects.filter(**of_case)),
            page_has_articles=Exists(through[0].objects.filter(**of_case))
            | Exists(through[1].objects.filter(**of_case)),
        )
        .values(*HAS)
        .get()
    )


@pytest.mark.dates
def test_the_page_loads_what_each_case_has_as_the_plain_prefetch_does(
    client, staff, general_case, articles
):
    # One case with a schedule and a payment, one with a remedy (with its outcome) and a 催告,
    # and an article both violated and applied; one decided case with none of these.
    paying = served(staff, general_case, articles)
    with time_machine.travel(date(2026, 6, 1), tick=False):
        schedule_approve(
            actor=staff.head, case_id=paying.pk, kind="instalments", applied_on=date(2026, 6, 1),
            reason="经营困难，提供了亏损报表",
            instalments=[(date(2026, 6, 30), "500.00"), (date(2026, 7, 31), "500.00")],
        )  # fmt: skip
    pay(staff, paying, "500", date(2026, 6, 20), "非税-2026-0420")
    contesting = served(staff, _another(staff), articles)
    step(staff.zhang, contesting, "demand", date(2026, 6, 10))
    found = remedy(staff, contesting, date(2026, 6, 11))
    outcome(staff, contesting, found, date(2026, 6, 12), "upheld")
    ExecutionStep.objects.create(
        case=contesting, kind="court_applied", occurred_on=date(2026, 6, 15),
        court="测试区人民法院", reference="测执申〔2026〕1号", recorded_by=staff.head,
    )  # fmt: skip
    contesting.penalty_articles.add(articles[14])
    quiet = served(staff, _another(staff), articles)
    clue = _another(staff)  # no basis yet

    head = Officer.objects.select_related("unit__agency").get(pk=staff.head.pk)
    plain = list(Case.objects.filter(pk__in=[paying.pk, contesting.pk, quiet.pk, clue.pk]))
    guards_prefetch(plain)  # many cases: every relation read, as before the folds
    by_pk = {case.pk: loaded(case) for case in plain}
    queries = {}
    for case in (paying, contesting, quiet, clue):
        page_case = case_get_for(head, case.pk, for_page=True)
        facts = {name: bool(getattr(page_case, name)) for name in HAS}
        assert facts == orm_has(case.pk), case
        with CaptureQueriesContext(connection) as captured:
            guards_prefetch([page_case])
        queries[case.pk] = len(captured)
        assert loaded(page_case) == by_pk[case.pk], case
    # What the cases hold, so the comparison above compared something.
    assert by_pk[paying.pk]["payments"] and by_pk[paying.pk]["schedules"]
    assert by_pk[contesting.pk]["remedy_steps"] and by_pk[contesting.pk]["execution_steps"]
    assert set(by_pk[contesting.pk]["penalty_articles"]) == {articles[14].pk, articles[36].pk}
    assert by_pk[contesting.pk]["violated_articles"] == [articles[14].pk]
    assert not any(by_pk[quiet.pk][name] for name in RELATIONS)
    assert not by_pk[clue.pk]["violated_articles"] and by_pk[quiet.pk]["violated_articles"]
    # The case with none of them skips their reads; the clue skips the articles' read too.
    assert queries[quiet.pk] < queries[paying.pk] and queries[clue.pk] < queries[quiet.pk]

    client.force_login(staff.head.user)
    page = client.get(reverse("cases:detail", args=[paying.pk])).content.decode()
    assert "非税-2026-0420" in page and "经营困难，提供了亏损报表" in page
    page = client.get(reverse("cases:detail", args=[contesting.pk])).content.decode()
    assert "测试市人民政府" in page and "测府复〔2026〕8号" in page
    assert "测执申〔2026〕1号" in page
    page = client.get(reverse("cases:detail", args=[quiet.pk])).content.decode()
    assert "非税-2026-0420" not in page and "测试市人民政府" not in page


@pytest.mark.dates
def test_a_payment_or_remedy_recorded_in_place_shows_on_the_page_that_answers(
    client, staff, general_case, articles
):
    # The page answering an htmx post is built from a fetch made after the service wrote: its
    # "has any" facts see the new row (a case with none would otherwise skip reading them).
    case = served(staff, general_case, articles)
    assert not Payment.objects.filter(case=case).exists()
    client.force_login(staff.zhang.user)
    htmx = {"HX-Request": "true"}
    with time_machine.travel(date(2026, 6, 10), tick=False):
        paid = client.post(
            reverse("cases:payment-new", args=[case.pk]),
            {"paid_on": "2026-06-09", "amount": "100", "channel": "bank",
             "receipt_number": "银行-2026-0609"},
            headers=htmx,
        )  # fmt: skip
        filed = client.post(
            reverse("cases:remedy-new", args=[case.pk]),
            {"kind": "litigation", "filed_on": "2026-06-10", "body": "测试区人民法院"},
            headers=htmx,
        )
    assert paid.status_code == 200 and "银行-2026-0609" in paid.content.decode()
    assert filed.status_code == 200 and "测试区人民法院" in filed.content.decode()


def test_the_pages_article_lists_read_on_as_the_two_prefetches_would(staff, general_case, articles):
    # Two versions of one regulation (the same title) and an article in both lists. The page's
    # lists are in the prefetch's order (title, then number); what reads the database again
    # (``.last()``, ``.filter()``) reads in that order too, not the articles' own order (the
    # newest version first), as after the two prefetches.
    older = Law.objects.create(
        title="城市市容和环境卫生管理条例", kind="admin_regulation", issuer="国务院",
        promulgated_on=date(2011, 1, 8), effective_on=date(2011, 1, 8), source="测试",
    )  # fmt: skip
    older_20 = Article.objects.create(law=older, number=20, label="第二十条", text="第二十条条文")
    general_case.violated_articles.set([articles[36], older_20, articles[14]])
    general_case.penalty_articles.set([articles[14], older_20])
    plain = Case.objects.get(pk=general_case.pk)
    prefetch_related_objects(
        [plain],
        *(
            Prefetch(name, queryset=_articles_in_order())
            for name in ("violated_articles", "penalty_articles")
        ),
    )
    page = case_get_for(Officer.objects.get(pk=staff.head.pk), general_case.pk, for_page=True)
    guards_prefetch([page])
    for name in ("violated_articles", "penalty_articles"):
        ours, theirs = getattr(page, name), getattr(plain, name)
        assert list(ours.all()) == list(theirs.all())
        assert ours.first() == theirs.first() and ours.last() == theirs.last()
        assert list(ours.filter(number__gt=0)) == list(theirs.filter(number__gt=0))
    assert [a.number for a in page.violated_articles.all()] == [14, 20, 36]
    assert page.violated_articles.last() == articles[36]
