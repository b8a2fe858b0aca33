"""The text a publication shows (issue #11): the case's public data stays, personal data
written in disguise goes, and no bidirectional control character reaches the public."""

from __future__ import annotations

import json

import time_machine

from sanxiang.cases.models import Case
from sanxiang.disclosure.normalise import BIDI_CONTROLS
from sanxiang.disclosure.services import publication_confirm, publication_draft
from tests.disclosure.test_publications import BEFORE_NATIONAL_DAY, decided

RLO, PDF = "\u202e", "\u202c"


def has_bidi(text: str) -> bool:
    return any(ord(char) in BIDI_CONTROLS for char in text)


def test_published_decision_with_rlo_shows_none(staff, general_case, articles):
    Case.objects.filter(pk=general_case.pk).update(
        title=f"擅自占用{RLO}城市道路{PDF}经营",
        facts=f"当事人在人民路{RLO}001{PDF}号门前占道经营，罚款{RLO}0005{PDF}元",
    )
    publication = decided(staff, general_case, articles)
    draft = publication_draft(publication)
    assert "人民路001号门前" in draft.text and not has_bidi(draft.text)
    with time_machine.travel(BEFORE_NATIONAL_DAY, tick=False):
        publication_confirm(
            actor=staff.head, publication_id=publication.pk, draft_sha256=draft.sha256
        )
    publication.refresh_from_db()
    assert publication.status == "published"
    assert not has_bidi(publication.public_text)
    assert not has_bidi(publication.title)
    assert not any(has_bidi(str(value)) for value in publication.fields.values())
    assert publication.fields["违法行为类型"] == "擅自占用城市道路经营"


def test_officers_certificates_and_agency_phone_stay_while_disguised_party_data_goes(
    staff, general_case, articles
):
    Case.objects.filter(pk=general_case.pk).update(
        facts="执法人员张伟（99010012001）、李娜（99010012002）到场，"
        "当事人王\u200b某（联系方式 138 5901 2345）在人民路100号门前占道，"
        "咨询请致电本机关0999-1234567，送达人王强（99010012003）",
    )
    publication = decided(staff, general_case, articles)
    text = publication_draft(publication).text
    assert "张伟（99010012001）、李娜（99010012002）" in text
    assert "本机关0999-1234567" in text
    assert "王强（99010012003）" in text  # an officer of the agency who is not a handler
    assert "138 **** 2345" in text
    assert "王\u200b某" not in text and "王某（联系方式" in text


def test_published_list_with_rlo_in_an_item_name_shows_none(staff, agency, articles):
    from tests.disclosure.test_listings import add_item, publish

    add_item(agency, articles, name=f"擅自占用城市道路{RLO}营经{PDF}的处罚")
    with time_machine.travel(BEFORE_NATIONAL_DAY, tick=False):
        snapshot = publish(staff, "items")
    [row] = snapshot.content["items"]
    assert row["name"] == "擅自占用城市道路营经的处罚"
    assert not has_bidi(json.dumps(snapshot.content, ensure_ascii=False))
