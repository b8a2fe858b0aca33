"""The office's publication access gate, ``Publication.objects.visible_to(actor, action)``:
every kind of actor against every action."""

from __future__ import annotations

from datetime import date

import pytest

from sanxiang.disclosure.access import PublicationAction
from sanxiang.disclosure.models import Publication
from sanxiang.disclosure.selectors import PublicationNotFound, publication_get_for
from sanxiang.disclosure.services import PublicationRefused, publication_exempt
from sanxiang.org.models import Agency, Officer, Unit
from tests.conftest import credit_code, make_officer

V, A = PublicationAction.VIEW, PublicationAction.ACT

# The record of a decision on a case of 执法一大队, handled by 张伟 and 李娜.
EXPECTED = {
    "handler": {V, A},
    "same-unit officer": {V, A},
    "other unit": {A},  # may reach it to act; the step asks for a 负责人 or 法制审核人员
    "other agency": set(),
    "reviewer": {V, A},
    "head": {V, A},
    "supervisor": {V, A},
    "deactivated head": set(),
    "anonymous": set(),
}


@pytest.fixture
def publication(general_case) -> Publication:
    return Publication.objects.create(
        case=general_case, agency=general_case.agency, kind="penalty", title="行政处罚决定",
        decided_on=date(2026, 6, 1), due_on=date(2026, 6, 8), due_basis="七个工作日", fields={},
    )  # fmt: skip


@pytest.fixture
def outsider(db):
    other = Agency.objects.create(
        name="测试市市场监督管理局", credit_code=credit_code(7), level="municipal",
        region="测试市", address="测试市 7 号", phone="0999-7", authority_basis="文件",
    )  # fmt: skip
    return make_officer(
        unit=Unit.objects.create(agency=other, name="稽查科"), name="外单位", number="99010017001"
    )


def test_every_actor_may_do_to_a_publication_exactly_what_the_rules_say(
    staff, agency, publication, outsider
):
    head = Officer.objects.get(pk=staff.head.pk)
    head.is_active = False
    squad2 = Unit.objects.create(agency=agency, name="执法二大队")
    actors = {
        "handler": staff.zhang,
        "same-unit officer": staff.wang,
        "other unit": make_officer(unit=squad2, name="陈明", number="99010017002"),
        "other agency": outsider,
        "reviewer": staff.zhou,
        "head": staff.head,
        "supervisor": make_officer(unit=squad2, name="马监督", number=None, roles=("supervisor",)),
        "deactivated head": head,
        "anonymous": None,
    }
    found = {
        name: {a for a in PublicationAction if Publication.objects.visible_to(actor, a).exists()}
        for name, actor in actors.items()
    }
    assert found == EXPECTED


def test_another_agency_s_record_is_answered_like_a_missing_one(publication, outsider):
    with pytest.raises(PublicationNotFound) as other:
        publication_get_for(outsider, publication.pk)
    with pytest.raises(PublicationNotFound) as missing:
        publication_get_for(outsider, 999_999)
    assert other.value.message == missing.value.message
    answers = []
    for publication_id in (publication.pk, 999_999):
        with pytest.raises(PublicationRefused) as refused:
            publication_exempt(actor=outsider, publication_id=publication_id, reason="未成年人")
        answers.append(refused.value.message)
    assert answers[0] == answers[1]
