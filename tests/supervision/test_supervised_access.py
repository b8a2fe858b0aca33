"""A supervising body's 监督人员: reads every case of the agencies under his body (and the bodies
under it), never one outside; each opening recorded with its reason; every POST refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sanxiang.cases.access import CaseAction
from sanxiang.cases.models import Case, CaseAccess
from sanxiang.org.selectors import supervised_agency_ids, supervisors_of


def _login(client, login: str) -> None:
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=login))


def test_supervisor_sees_the_cases_of_agencies_under_his_body_and_the_bodies_below(
    oversight, general_case
):
    visible = set(
        Case.objects.visible_to(oversight.supervisor, CaseAction.VIEW).values_list("pk", flat=True)
    )
    assert general_case.pk in visible
    assert oversight.county_case.pk in visible
    assert oversight.outside_case.pk not in visible


def test_county_supervisor_never_sees_the_city_agencies_above_him(oversight, general_case):
    visible = set(
        Case.objects.visible_to(oversight.county_supervisor, CaseAction.VIEW).values_list(
            "pk", flat=True
        )
    )
    assert visible == {oversight.county_case.pk}


def test_supervisor_may_not_act_change_or_audit_through_his_body(oversight, general_case):
    for action in (CaseAction.ACT, CaseAction.CHANGE):
        assert not Case.objects.visible_to(oversight.supervisor, action).filter(
            pk__in=[general_case.pk, oversight.county_case.pk]
        )


def test_a_supervisor_of_an_agency_without_a_body_supervises_nothing(staff, general_case):
    from tests.conftest import make_officer

    internal = make_officer(
        unit=staff.zhang.unit, name="内部监督", number=None, roles=("supervisor",)
    )
    assert supervised_agency_ids(internal) == frozenset()


def test_case_outside_his_body_is_answered_as_missing(client, oversight):
    _login(client, "jiandu")
    url = reverse("cases:detail", args=[oversight.outside_case.pk])
    assert client.get(url, {"reason": "routine"}).status_code == 404
    assert not CaseAccess.objects.filter(case=oversight.outside_case).exists()


def test_opening_a_supervised_case_asks_for_the_reason_and_records_nothing_before(
    client, oversight, general_case
):
    _login(client, "jiandu")
    url = reverse("cases:detail", args=[general_case.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "调阅事由" in response.content.decode()
    assert not CaseAccess.objects.filter(case=general_case).exists()
    refused = client.get(url, {"reason": "curiosity"})
    assert refused.status_code == 400
    assert not CaseAccess.objects.filter(case=general_case).exists()


def test_every_view_by_a_supervisor_is_recorded_with_its_reason(client, oversight, general_case):
    _login(client, "jiandu")
    url = reverse("cases:detail", args=[general_case.pk])
    first = client.get(url, {"reason": "complaint"})
    assert first.status_code == 200
    page = first.content.decode()
    assert "监督调阅（只读）" in page
    # The reason is remembered for the session; each opening is recorded again.
    assert client.get(url).status_code == 200
    looks = list(CaseAccess.objects.filter(case=general_case, officer=oversight.supervisor))
    assert [look.reason for look in looks] == ["complaint", "complaint"]


def test_the_supervisor_page_offers_no_step(client, oversight, general_case):
    _login(client, "jiandu")
    page = client.get(reverse("cases:detail", args=[general_case.pk]), {"reason": "routine"})
    html = page.content.decode()
    assert reverse("cases:act", args=[general_case.pk]) not in html
    assert reverse("cases:handlers", args=[general_case.pk]) not in html


def test_officers_of_the_agency_give_no_reason(client, staff, oversight, general_case):
    client.force_login(staff.zhang.user)
    assert client.get(reverse("cases:detail", args=[general_case.pk])).status_code == 200
    assert CaseAccess.objects.get(case=general_case, officer=staff.zhang).reason == ""


CASE_POSTS = [
    "cases:act", "cases:handlers", "cases:assess", "cases:extend", "cases:basis",
    "cases:party-code", "cases:payment-new", "cases:schedule-new", "cases:remedy-new",
    "cases:execution-step-new", "cases:court-apply",
]  # fmt: skip


@pytest.mark.parametrize("name", CASE_POSTS)
def test_supervisor_cannot_act_every_post_is_403(client, oversight, general_case, name):
    _login(client, "jiandu")
    state = general_case.state
    response = client.post(reverse(name, args=[general_case.pk]), {"action": "register"})
    assert response.status_code == 403
    general_case.refresh_from_db()
    assert general_case.state == state


def test_supervisor_posts_elsewhere_in_the_office_are_refused_too(client, oversight, general_case):
    _login(client, "jiandu")
    for path in (
        reverse("cases:new"),
        reverse("cases:document-new", args=[general_case.pk, "register_approval"]),
        "/office/review/",
        "/office/evidence/",
        "/office/disclosure/",
    ):
        assert client.post(path, {}).status_code == 403, path


def test_the_agency_sees_the_supervisor_look_and_its_reason_in_the_access_record(
    client, staff, oversight, general_case
):
    _login(client, "jiandu")
    client.get(reverse("cases:detail", args=[general_case.pk]), {"reason": "file_review"})
    client.force_login(staff.head.user)
    page = client.get(reverse("cases:access", args=[general_case.pk])).content.decode()
    assert "马监督" in page and "案卷评查" in page


def test_supervisors_of_an_agency_are_those_of_its_body_and_the_bodies_above(oversight):
    county_agency = oversight.county_case.agency_id
    assert set(supervisors_of(county_agency)) == {
        oversight.supervisor,
        oversight.county_supervisor,
    }
    assert not supervisors_of(oversight.outside_case.agency_id).exists()


def test_the_supervisor_never_sees_the_partys_query_code(client, staff, oversight, general_case):
    """The 查询码 with the case number is the party's log-in to the portal, not his to read."""
    from sanxiang.cases.party_access import code_display, party_code_ensure
    from sanxiang.cases.services import case_transition

    case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    code = party_code_ensure(actor=staff.head, case_id=general_case.pk).code
    _login(client, "jiandu")
    html = client.get(
        reverse("cases:detail", args=[general_case.pk]), {"reason": "routine"}
    ).content.decode()
    assert code_display(code) not in html and code not in html


def test_the_supervisor_reads_a_document_only_after_giving_the_reason(
    client, staff, oversight, general_case
):
    from sanxiang.cases.models import CaseDocument
    from sanxiang.cases.services import case_transition, document_generate

    case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    document = document_generate(actor=staff.zhang, case_id=general_case.pk, kind="registration")
    assert isinstance(document, CaseDocument)
    url = reverse("cases:document", args=[document.pk, "docx"])
    _login(client, "jiandu")
    first = client.get(url)
    assert first.status_code == 302
    assert first["Location"] == reverse("cases:detail", args=[general_case.pk])
    client.get(reverse("cases:detail", args=[general_case.pk]), {"reason": "routine"})
    assert client.get(url).status_code == 200
