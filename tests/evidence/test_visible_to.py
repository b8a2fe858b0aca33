"""The evidence access gate (调阅 scope), ``EvidenceItem.objects.visible_to(actor, action)``:
every kind of actor against every action."""

from __future__ import annotations

import pytest

from sanxiang.evidence.access import EvidenceAction, access_decision
from sanxiang.evidence.models import EvidenceItem
from sanxiang.evidence.selectors import EvidenceNotFound, evidence_get_for
from sanxiang.evidence.services import evidence_register
from sanxiang.org.models import Officer
from tests.evidence.conftest import metadata, upload

B, V = EvidenceAction.BROWSE, EvidenceAction.VIEW

# A record of 执法一大队, registered by 张伟. (allowed actions, reason required to view)
EXPECTED = {
    "collector": ({B, V}, False),
    "same-unit officer": ({B, V}, False),
    "other unit": (set(), False),
    "other agency": (set(), False),
    "head": ({V}, True),
    "supervisor of another body": ({V}, True),
    "deactivated officer": (set(), False),
    "anonymous": (set(), False),
}


@pytest.fixture
def item(people) -> EvidenceItem:
    return evidence_register(actor=people.zhang, upload=upload(), metadata=metadata(people))


def test_every_actor_may_do_to_a_record_exactly_what_the_rules_say(people, item):
    Officer.objects.filter(pk=people.li.pk).update(is_active=False)
    actors = {
        "collector": people.zhang,
        "same-unit officer": people.zhang,
        "other unit": people.chen,
        "other agency": people.outsider,
        "head": people.head,
        "supervisor of another body": people.supervisor,
        "deactivated officer": Officer.objects.get(pk=people.li.pk),
        "anonymous": None,
    }
    actors["same-unit officer"] = Officer.objects.get(pk=people.zhang.pk)
    found = {}
    for name, actor in actors.items():
        may = {a for a in EvidenceAction if EvidenceItem.objects.visible_to(actor, a).exists()}
        reason = access_decision(actor, item).reason_required if actor is not None else False
        found[name] = (may, reason)
        if actor is not None:
            assert access_decision(actor, item).allowed == (V in may), name
    assert found == EXPECTED


def test_a_record_out_of_scope_is_answered_like_a_missing_one(people, item):
    with pytest.raises(EvidenceNotFound) as other:
        evidence_get_for(officer=people.outsider, item_id=item.pk)
    with pytest.raises(EvidenceNotFound) as missing:
        evidence_get_for(officer=people.outsider, item_id=999_999)
    assert other.value.message == missing.value.message
