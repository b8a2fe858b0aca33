"""A recorded permit is published through the same 公示审核 as a penalty: redacted, on the portal
by type, in the API and exports; its revocation changes what the portal says about it."""

from __future__ import annotations

from django.urls import reverse

from sanxiang.acts.services import permit_record
from sanxiang.disclosure.models import Publication, PublicationStatus
from sanxiang.disclosure.selectors import overdue_for
from sanxiang.disclosure.services import publication_confirm, publication_draft
from tests.acts.conftest import permit_fields

PERSON = {
    "party_name": "王小明",
    "party_type": "自然人",
    "party_credit_code": "",
    "legal_representative": "",
    "party_ref": "P-7F3A9C",
    "content": "准予王小明在人民路 100 号门前临时占道堆放建筑材料",
}


def _publish(people, **changes: str) -> Publication:
    permit = permit_record(
        agency=people.head.unit.agency,
        fields=permit_fields(**changes),
        source="表单",
        actor=people.officer,
    )
    publication = Publication.objects.get(permit=permit)
    draft = publication_draft(publication)
    return publication_confirm(
        actor=people.reviewer, publication_id=publication.pk, draft_sha256=draft.sha256
    )


def test_a_permit_published_within_its_deadline_shows_on_the_portal_redacted(people, client):
    publication = _publish(people, **PERSON)
    assert publication.status == PublicationStatus.PUBLISHED
    assert publication.published_at is not None
    assert publication.published_at.date() <= publication.due_on
    assert not overdue_for(people.head).filter(pk=publication.pk).exists()
    page = client.get(reverse("portal:decision", args=[publication.pk])).content.decode()
    assert "王某" in page and "王小明" not in page
    assert "行政许可" in page and "测城许〔2026〕1号" in page
    assert "P-7F3A9C" not in page  # the pseudonymous ID is not published either
    listing = client.get(reverse("portal:decisions"), {"kind": "permit"}).content.decode()
    assert "测城许〔2026〕1号" in listing
    penalties = client.get(reverse("portal:decisions"), {"kind": "penalty"}).content.decode()
    assert "测城许〔2026〕1号" not in penalties


def test_a_revocation_updates_the_originals_public_status(people, client):
    original = _publish(people)
    page = client.get(reverse("portal:decision", args=[original.pk])).content.decode()
    assert '<dd id="permit-standing">有效</dd>' in page
    permit_record(
        agency=people.head.unit.agency,
        fields=permit_fields(
            decision="revocation",
            decision_number="测城许撤〔2026〕1号",
            original="测城许〔2026〕1号",
        ),
        source="表单",
        actor=people.head,
    )
    page = client.get(reverse("portal:decision", args=[original.pk])).content.decode()
    assert '<dd id="permit-standing">已撤销</dd>' in page


def test_a_permit_appears_in_the_json_api_and_the_csv_export(people, client):
    publication = _publish(people)
    listing = client.get("/api/v1/publications", {"kind": "permit"})
    assert listing.status_code == 200, listing.content
    assert "测城许〔2026〕1号" in listing.content.decode()
    assert str(publication.pk) in listing.content.decode()


def test_an_unpublished_permit_past_its_deadline_is_overdue(people):
    permit_record(
        agency=people.head.unit.agency,
        fields=permit_fields(decided_on="2026-05-04", valid_from="2026-05-04"),
        source="表单",
        actor=people.officer,
    )
    assert overdue_for(people.head).count() == 1


def test_the_annual_report_counts_permits_by_type_and_the_other_acts(people):
    from sanxiang.acts.services import act_record
    from sanxiang.disclosure.annual import annual_figures

    agency = people.head.unit.agency
    permit_record(agency=agency, fields=permit_fields(), source="表单", actor=people.head)
    permit_record(
        agency=agency,
        fields=permit_fields(decision="refusal", decision_number="测城许〔2026〕2号"),
        source="表单",
        actor=people.head,
    )
    permit_record(
        agency=agency,
        fields=permit_fields(
            decision="cancellation",
            decision_number="测城许销〔2026〕1号",
            original="测城许〔2026〕1号",
        ),
        source="表单",
        actor=people.head,
    )
    act = act_record(
        agency=agency,
        kind="benefit",
        fields={
            "party_name": "李某某",
            "party_type": "自然人",
            "decision_number": "测城给〔2026〕1号",
            "title": "临时救助金给付决定",
            "content": "给付临时救助金",
            "decided_on": "2026-06-09",
            "item": "临时救助",
            "amount_yuan": "2000",
            "basis": "社会救助暂行办法第四十七条",
        },
        source="表单",
        actor=people.officer,
    )
    assert Publication.objects.get(act=act).kind == "other"
    figures = annual_figures(agency=agency, year=2026)
    v = {f.key: f.value for f in figures.figures}
    assert (v["acts_permit"], v["permits_refused"], v["permits_ended"]) == (2, 1, 1)
    assert (v["acts_benefit"], v["acts_adjudication"]) == (1, 0)
