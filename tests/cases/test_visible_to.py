"""The case access gate, ``Case.objects.visible_to(actor, action)``: every kind of actor against
every action, and the record an officer leaves by opening a case page."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from sanxiang.cases.access import CaseAction, case_allows
from sanxiang.cases.models import Case, CaseAccess
from sanxiang.cases.selectors import CaseNotFound, case_get_for
from sanxiang.cases.services import case_page_open
from sanxiang.ledger.models import LedgerEntry
from sanxiang.org.models import Agency, Officer, Unit
from tests.conftest import credit_code, make_officer

V, A, C, U = CaseAction.VIEW, CaseAction.ACT, CaseAction.CHANGE, CaseAction.AUDIT

# What each actor may do to a case opened by 张伟 (执法一大队), handled by 张伟 and 李娜.
EXPECTED = {
    "handler": {V, A, C, U},
    "same-unit officer": {V, A, U},
    "other agency": set(),
    "reviewer": {A},  # 法制科, the case not sent to him: he may only reach it to record a step
    "head": {V, A, C, U},
    "supervisor": {A, U},  # 监督人员 of the agency: audits who opened the case, no more
    "deactivated handler": {A},  # the step itself refuses an officer off duty
    "anonymous": set(),
}


def deactivated(officer: Officer) -> Officer:
    Officer.objects.filter(pk=officer.pk).update(is_active=False)
    return Officer.objects.get(pk=officer.pk)


@pytest.fixture
def actors(staff, agency, django_user_model) -> dict[str, Officer | None]:
    other = Agency.objects.create(
        name="测试市市场监督管理局", credit_code=credit_code(7), level="municipal",
        region="测试市", address="测试市 7 号", phone="0999-7", authority_basis="文件",
    )  # fmt: skip
    user = django_user_model.objects.create_user("outsider", password="correct horse battery")
    outsider = make_officer(
        unit=Unit.objects.create(agency=other, name="稽查科"), name="外单位", number="99010017001",
        user=user,
    )  # fmt: skip
    supervisor = make_officer(
        unit=agency.units.get(name="法制科"), name="马监督", number=None, roles=("supervisor",)
    )
    return {
        "handler": staff.zhang,
        "same-unit officer": staff.wang,
        "other agency": outsider,
        "reviewer": staff.zhou,
        "head": staff.head,
        "supervisor": supervisor,
        "deactivated handler": None,  # filled in by the test, once the case exists
        "anonymous": None,
    }


def allowed(actor: Officer | None, case: Case) -> set[CaseAction]:
    return {a for a in CaseAction if Case.objects.visible_to(actor, a).filter(pk=case.pk).exists()}


def test_every_actor_may_do_to_a_case_exactly_what_the_rules_say(actors, staff, general_case):
    actors["deactivated handler"] = deactivated(staff.li)
    found = {name: allowed(actor, general_case) for name, actor in actors.items()}
    assert found == EXPECTED


def test_the_rule_for_one_loaded_case_agrees_with_the_query(actors, staff, general_case):
    actors["deactivated handler"] = deactivated(staff.li)
    for name, actor in actors.items():
        by_row = {a for a in CaseAction if case_allows(actor, a, general_case)}
        assert by_row == EXPECTED[name], name


def test_a_reviewer_reads_the_case_sent_to_him_and_no_other(staff, general_case):
    from sanxiang.review.models import Review, ReviewStatus

    other_case = Case.objects.create(
        **{
            f.attname: getattr(general_case, f.attname)
            for f in Case._meta.concrete_fields
            if f.attname not in ("id", "number")
        }
    )
    Review.objects.create(
        case=general_case, agency=general_case.agency, status=ReviewStatus.UNDER_REVIEW,
        reviewer=staff.zhou, need_reason="目录", due_on="2026-06-20",
        submitted_at="2026-06-10T10:00:00+08:00",
    )  # fmt: skip
    visible = set(Case.objects.visible_to(staff.zhou, CaseAction.VIEW).values_list("pk", flat=True))
    assert visible == {general_case.pk}, "the review lets him read this case, not the other"
    assert not case_allows(staff.zhou, CaseAction.CHANGE, general_case)
    assert other_case.pk not in visible


def test_another_agency_s_case_is_answered_like_a_missing_one(actors, general_case):
    with pytest.raises(CaseNotFound) as other:
        case_get_for(actors["other agency"], general_case.pk)
    with pytest.raises(CaseNotFound) as missing:
        case_get_for(actors["other agency"], 999_999)
    assert other.value.message == missing.value.message


def test_opening_a_case_page_leaves_one_access_record(client, staff, general_case):
    client.force_login(staff.wang.user)
    before = LedgerEntry.objects.count()
    assert client.get(reverse("cases:detail", args=[general_case.pk])).status_code == 200
    access = CaseAccess.objects.get()
    assert (access.case_id, access.officer_id) == (general_case.pk, staff.wang.pk)
    assert access.actor == staff.wang.ledger_actor and access.accessed_at is not None
    assert LedgerEntry.objects.count() == before, "a look changes nothing: no ledger event"


def test_a_refused_case_page_leaves_no_access_record(client, actors, general_case):
    client.force_login(actors["other agency"].user)
    assert client.get(reverse("cases:detail", args=[general_case.pk])).status_code == 404
    assert client.get(reverse("cases:detail", args=[999_999])).status_code == 404
    assert not CaseAccess.objects.exists()


def test_every_open_of_a_case_page_is_its_own_record(client, staff, general_case):
    client.force_login(staff.zhang.user)
    client.get(reverse("cases:detail", args=[general_case.pk]))
    client.force_login(staff.head.user)
    client.get(reverse("cases:detail", args=[general_case.pk]))
    opened_by = list(CaseAccess.objects.order_by("pk").values_list("officer_id", flat=True))
    assert opened_by == [staff.zhang.pk, staff.head.pk]


def test_case_access_records_cannot_be_changed_or_deleted(staff, general_case):
    case_page_open(actor=staff.zhang, case_id=general_case.pk)
    access_id = CaseAccess.objects.get().pk
    for attempt in (
        lambda: CaseAccess.objects.filter(pk=access_id).update(actor="user:0"),
        lambda: CaseAccess.objects.filter(pk=access_id).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()


def test_auditors_list_who_opened_the_case_page(client, actors, staff, general_case):
    case_page_open(actor=staff.wang, case_id=general_case.pk)
    client.force_login(staff.head.user)
    page = client.get(reverse("cases:access", args=[general_case.pk]))
    assert page.status_code == 200
    table = page.content.decode()
    table = table[table.index('id="case-page-access"') :]
    assert "王强" in table and "执法一大队" in table
    client.force_login(staff.zhou.user)
    assert client.get(reverse("cases:access", args=[general_case.pk])).status_code == 404
    client.force_login(actors["other agency"].user)
    assert client.get(reverse("cases:access", args=[general_case.pk])).status_code == 404


def test_the_case_page_links_its_access_records_only_for_auditors(client, staff, general_case):
    link = reverse("cases:access", args=[general_case.pk])
    client.force_login(staff.zhang.user)
    assert link in client.get(reverse("cases:detail", args=[general_case.pk])).content.decode()
    from sanxiang.review.models import Review, ReviewStatus

    Review.objects.create(
        case=general_case, agency=general_case.agency, status=ReviewStatus.UNDER_REVIEW,
        reviewer=staff.zhou, need_reason="目录", due_on="2026-06-20",
        submitted_at="2026-06-10T10:00:00+08:00",
    )  # fmt: skip
    client.force_login(staff.zhou.user)
    page = client.get(reverse("cases:detail", args=[general_case.pk]))
    assert page.status_code == 200 and link not in page.content.decode()
