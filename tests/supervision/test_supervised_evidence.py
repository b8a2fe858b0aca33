"""A supervising body's 监督人员 reading a supervised case (after his 调阅事由) also sees its
evidence and can open it: each listed record and each opening is an access record with that
reason, through the one evidence gate; records outside his area stay out of reach."""

from __future__ import annotations

import html

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from sanxiang.cases.services import case_transition
from sanxiang.evidence.access import EvidenceAction
from sanxiang.evidence.models import AccessRecord, EvidenceItem
from tests.cases.conftest import attach_record, ready_case


@pytest.fixture(autouse=True)
def _evidence_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence")},
        },
    }


@pytest.fixture
def numbered(staff):
    case = ready_case(staff)
    return case_transition(actor=staff.head, case_id=case.pk, action="register")


def _login(client, login: str) -> None:
    client.force_login(get_user_model().objects.get(username=login))


def test_the_supervisor_sees_and_opens_the_case_evidence_each_look_recorded(
    client, oversight, staff, numbered
):
    item = attach_record(staff, numbered)
    _login(client, "jiandu")
    page = client.get(reverse("cases:detail", args=[numbered.pk]), {"reason": "complaint"})
    text = page.content.decode()
    assert page.status_code == 200 and "现场执法情况" in text
    listed = AccessRecord.objects.get(item=item, officer=oversight.supervisor)
    assert (listed.action, listed.reason) == ("list", "案件调阅：投诉举报核查")
    link = next(
        html.unescape(part.split('"')[0])
        for part in text.split('href="')
        if part.startswith(reverse("evidence:detail", args=[item.pk]))
    )
    opened = client.get(link)
    assert opened.status_code == 200
    views = AccessRecord.objects.filter(item=item, officer=oversight.supervisor, action="view")
    assert [v.reason for v in views] == ["案件调阅：投诉举报核查"]


def test_the_evidence_link_of_one_supervisor_does_not_open_for_another(
    client, oversight, staff, numbered
):
    item = attach_record(staff, numbered)
    _login(client, "jiandu")
    text = client.get(
        reverse("cases:detail", args=[numbered.pk]), {"reason": "routine"}
    ).content.decode()
    link = next(
        html.unescape(part.split('"')[0])
        for part in text.split('href="')
        if part.startswith(reverse("evidence:detail", args=[item.pk]))
    )
    _login(client, "xianjiandu")
    assert client.get(link).status_code == 404
    assert not AccessRecord.objects.filter(officer=oversight.county_supervisor).exists()


def test_a_body_supervisor_views_evidence_only_of_his_area(oversight, staff, numbered):
    item = attach_record(staff, numbered)
    city = EvidenceItem.objects.visible_to(oversight.supervisor, EvidenceAction.VIEW)
    county = EvidenceItem.objects.visible_to(oversight.county_supervisor, EvidenceAction.VIEW)
    assert item in city and item not in county
    assert item not in EvidenceItem.objects.visible_to(oversight.supervisor, EvidenceAction.BROWSE)
