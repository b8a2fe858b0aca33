"""An officer's roles, certificates and the certificates' categories read in one hand-written
query (``load_roles_and_certificates``) answer as the ORM's ``prefetch_related`` does, and
nothing of them outlives the request: a revoked or expired certificate, a removed role show at
the very next request. Run on SQLite and on PostgreSQL (the suite's database)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from sanxiang.cases.services import case_transition
from sanxiang.core.models import CalendarDay, CalendarYear
from sanxiang.core.selectors import calendar_rows, get_calendar
from sanxiang.org.backends import ActiveOfficerBackend
from sanxiang.org.models import (
    Certificate,
    EnforcementCategory,
    Officer,
    Role,
    RoleAssignment,
)
from sanxiang.org.officer_rows import load_roles_and_certificates, login_user
from sanxiang.org.selectors import officer_for_request
from tests.cases.conftest import ready_case


def _as_orm(officers: list[Officer]) -> list[tuple[Any, ...]]:
    """What the ORM's prefetches answer, the same certificate order (latest valid first)."""
    loaded = Officer.objects.filter(pk__in=[o.pk for o in officers]).prefetch_related(
        "roles",
        Prefetch(
            "certificates",
            queryset=Certificate.objects.order_by("-valid_until", "pk").prefetch_related(
                "categories"
            ),
        ),
    )
    return _described(sorted(loaded, key=lambda o: o.pk))


def _described(officers: list[Officer]) -> list[tuple[Any, ...]]:
    def certificate(c: Certificate) -> tuple[Any, ...]:
        fields = (c.pk, c.officer_id, c.number, c.region, c.valid_from, c.valid_until)
        return (
            *fields,
            c.revoked_on,
            c.revoke_reason,
            [(k.pk, k.code, k.name) for k in c.categories.all()],
        )

    return [
        (
            officer.pk,
            sorted((r.pk, r.role) for r in officer.roles.all()),
            [certificate(c) for c in officer.certificates.all()],
        )
        for officer in officers
    ]


def test_one_query_answers_as_the_orm_for_officers_of_every_shape(staff, django_assert_num_queries):
    today = timezone.localdate()
    # 李娜: a renewed certificate (the old one revoked) covering two categories, no roles.
    RoleAssignment.objects.filter(officer=staff.li).delete()
    renewed = Certificate.objects.create(
        officer=staff.li,
        number="99010012099",
        region="测试市",
        valid_from=today - timedelta(days=10),
        valid_until=today + timedelta(days=4000),
    )
    renewed.categories.set(EnforcementCategory.objects.order_by("-code")[:2])
    staff.li.certificates.exclude(pk=renewed.pk).update(revoked_on=today, revoke_reason="换证")
    # 王强: a certificate without any category; 周婷: none at all, two roles.
    staff.wang.certificates.get().categories.clear()
    staff.zhou.certificates.all().delete()
    RoleAssignment.objects.create(officer=staff.zhou, role=Role.HEAD)
    officers = [staff.zhang, staff.li, staff.wang, staff.zhou, staff.head]
    fresh = list(Officer.objects.filter(pk__in=[o.pk for o in officers]).order_by("pk"))
    # The same officer twice (two cases' handlers): both copies are filled.
    twice = Officer.objects.get(pk=staff.zhang.pk)
    with django_assert_num_queries(1):
        load_roles_and_certificates([*fresh, twice])
        described = _described(fresh)
        assert _described([twice]) == described[:1]
        # Each certificate knows its officer without a query.
        assert {c.officer.name for o in fresh for c in o.certificates.all()} >= {"李娜"}
    assert described == _as_orm(officers)
    li = next(o for o in fresh if o.pk == staff.li.pk)
    assert next(c.number for c in li.certificates.all()) == "99010012099"
    assert li.certificate_valid_on(today) == renewed
    assert not li.has_role(Role.OFFICER)
    with django_assert_num_queries(0):
        load_roles_and_certificates([])


def _request(rf, officer: Officer):
    request = rf.get("/office/")
    request.user = ActiveOfficerBackend().get_user(officer.user_id)
    return request


def test_a_revoked_or_expired_certificate_and_a_removed_role_show_at_the_next_request(staff, rf):
    today = timezone.localdate()
    assert officer_for_request(_request(rf, staff.head)).has_role(Role.HEAD)
    assert officer_for_request(_request(rf, staff.zhang)).certificate_valid_on(today)

    RoleAssignment.objects.filter(officer=staff.head, role=Role.HEAD).delete()
    assert not officer_for_request(_request(rf, staff.head)).has_role(Role.HEAD)

    certificate = staff.zhang.certificates.get()
    Certificate.objects.filter(pk=certificate.pk).update(revoked_on=today)
    assert officer_for_request(_request(rf, staff.zhang)).certificate_valid_on(today) is None

    Certificate.objects.filter(pk=certificate.pk).update(
        revoked_on=None, valid_until=today - timedelta(days=1)
    )
    assert officer_for_request(_request(rf, staff.zhang)).certificate_valid_on(today) is None


def test_the_handler_picker_says_at_once_whose_certificate_was_revoked(client, staff):
    case = ready_case(staff)
    case_transition(actor=staff.head, case_id=case.pk, action="register")
    client.force_login(staff.zhang.user)
    page = reverse("cases:detail", args=[case.pk])

    def excluded() -> str:
        html: str = client.get(page).content.decode()
        return html.split('id="handlers-excluded"')[1].split("</details>")[0]

    assert "李娜" not in excluded()
    certificate = staff.li.certificates.get()
    Certificate.objects.filter(pk=certificate.pk).update(revoked_on=timezone.localdate())
    until = f"{certificate.valid_until:%Y-%m-%d}"
    assert f"李娜（{staff.li.unit.name}）：执法证已注销（有效期至 {until}）" in excluded()


@pytest.mark.django_db
@pytest.mark.parametrize("entered", [False, True])
def test_the_calendar_rows_answer_as_the_orm_and_apply(entered):
    today = timezone.localdate()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7)
    monday = saturday + timedelta(days=2)
    CalendarDay.objects.create(date=saturday, is_workday=True, note="调休上班", source="待核")
    CalendarDay.objects.create(date=monday, is_workday=False, note="节日", source="待核")
    if entered:
        CalendarYear.objects.create(year=2099, source="待核")
    years, overrides = calendar_rows()
    assert sorted(years) == sorted(CalendarYear.objects.values_list("year", flat=True))
    assert overrides == dict(CalendarDay.objects.values_list("date", "is_workday"))
    assert all(type(day) is type(today) and type(flag) is bool for day, flag in overrides.items())
    calendar = get_calendar()
    assert calendar.is_workday(saturday) and not calendar.is_workday(monday)
    assert (2099 in calendar.years) is entered


def test_the_login_s_one_query_answers_as_the_orm_and_refuses_at_once(
    staff, django_user_model, django_assert_num_queries
):
    user = staff.head.user
    with django_assert_num_queries(1):
        loaded: Any = login_user(user.pk)
        officer = loaded.officer
        assert (officer.unit.name, officer.unit.agency.name) == (
            staff.head.unit.name,
            staff.head.unit.agency.name,
        )
        assert officer.user is loaded
    orm = django_user_model.objects.select_related("officer__unit__agency").get(pk=user.pk)
    fields = [f.attname for f in django_user_model._meta.concrete_fields]
    assert [getattr(loaded, f) for f in fields] == [getattr(orm, f) for f in fields]
    for mine, theirs in ((officer, orm.officer), (officer.unit, orm.officer.unit)):
        names = [f.attname for f in type(mine)._meta.concrete_fields]
        assert [getattr(mine, f) for f in names] == [getattr(theirs, f) for f in names]
    agency = [f.attname for f in type(officer.unit.agency)._meta.concrete_fields]
    assert [getattr(officer.unit.agency, f) for f in agency] == [
        getattr(orm.officer.unit.agency, f) for f in agency
    ]
    assert _described([officer]) == _as_orm([staff.head])

    # A log-in without an officer record (the first administrator), and no such user.
    admin = django_user_model.objects.create_superuser("root", password="correct horse battery")
    with django_assert_num_queries(1):
        alone: Any = login_user(admin.pk)
        assert not hasattr(alone, "officer") and alone.is_superuser
    assert login_user(10**9) is None
    backend = ActiveOfficerBackend()
    assert backend.get_user("not a number") is None

    # Taken off duty, or the account deactivated: refused at the next request.
    assert backend.get_user(user.pk) is not None
    Officer.objects.filter(pk=staff.head.pk).update(is_active=False)
    assert backend.get_user(user.pk) is None
    Officer.objects.filter(pk=staff.head.pk).update(is_active=True)
    django_user_model.objects.filter(pk=user.pk).update(is_active=False)
    assert backend.get_user(user.pk) is None
