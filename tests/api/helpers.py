from __future__ import annotations

from datetime import date

from sanxiang.disclosure.models import Publication
from sanxiang.disclosure.services import publication_confirm, publication_draft
from tests.cases.conftest import ready_case
from tests.disclosure.test_publications import decided


def publish(staff, publication: Publication) -> Publication:
    draft = publication_draft(publication)
    publication_confirm(actor=staff.head, publication_id=publication.pk, draft_sha256=draft.sha256)
    publication.refresh_from_db()
    return publication


def decide_another(staff, articles, on: date, title: str, **case) -> Publication:
    """Another case decided on ``on`` (its publication still pending)."""
    publication: Publication = decided(
        staff, ready_case(staff, title=title, **case), articles, on=on
    )
    return publication
