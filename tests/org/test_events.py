"""The org app's ledger vocabulary: each event written by its builder with its action string and
the digest it promises (a row's field values as saved, or the loaded file's own SHA-256)."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth.models import User

from sanxiang.ledger.events import BUILDERS, record_digest
from sanxiang.org import events
from sanxiang.org.events import OrgEvent
from sanxiang.org.models import EnforcementCategory, Law, SigningKey, SupervisoryBody
from tests.conftest import make_officer


@pytest.fixture
def officer(agency):
    user = User.objects.create_user("zhang", password="correct horse battery")
    return make_officer(
        unit=agency.units.get(name="执法一大队"), name="张伟", number=None, user=user
    )


@pytest.fixture
def laws(db):
    from sanxiang.org.models import LawKind

    return Law.objects.create(
        title="测试条例", kind=LawKind.values[0], issuer="测试市人大常委会",
        promulgated_on="2020-01-01", effective_on="2020-01-01", source="测试",
    )  # fmt: skip


def _writes(officer, agency):
    """Each event with a call of its builder and the digest it must carry."""
    unit = agency.units.get(name="法制科")
    category = EnforcementCategory.objects.get(name="城市管理")
    law = Law.objects.first()
    assert law is not None
    key = SigningKey.objects.create(officer=officer, public_key="AAAA", key_id="c" * 64)
    user = officer.user
    body = SupervisoryBody.objects.create(
        name="测试市司法局", level="municipal", region="测试市", agency=agency
    )
    return {
        OrgEvent.AGENCY_CREATED: (lambda: events.org_row_created(agency), record_digest(agency)),
        OrgEvent.UNIT_CREATED: (lambda: events.org_row_created(unit), record_digest(unit)),
        OrgEvent.OFFICER_CREATED: (lambda: events.org_row_created(officer), record_digest(officer)),
        OrgEvent.OFFICER_IMPORTED: (
            lambda: events.officer_imported(officer, actor="system", file_sha256="a" * 64),
            "a" * 64,
        ),
        OrgEvent.OFFICER_PASSWORD_RESET: (
            lambda: events.officer_password_event(
                officer, OrgEvent.OFFICER_PASSWORD_RESET, actor="system"
            ),
            record_digest(officer),
        ),
        OrgEvent.OFFICER_PASSWORD_SET_AFTER_RESET: (
            lambda: events.officer_password_event(
                officer, OrgEvent.OFFICER_PASSWORD_SET_AFTER_RESET, actor="system"
            ),
            record_digest(officer),
        ),
        OrgEvent.USER_PASSWORD_CHANGED: (
            lambda: events.user_password_changed(user, actor="system", agency_id=agency.pk),
            record_digest(user),
        ),
        OrgEvent.CATEGORY_LOADED: (
            lambda: events.category_loaded(category),
            hashlib.sha256(f"{category.code},{category.name}".encode()).hexdigest(),
        ),
        OrgEvent.LAW_LOADED: (
            lambda: events.law_loaded(law, "第一条".encode()),
            hashlib.sha256("第一条".encode()).hexdigest(),
        ),
        OrgEvent.SIGNING_KEY_REGISTERED: (lambda: events.signing_key_registered(key), key.key_id),
        OrgEvent.TRAINING_IMPORTED: (
            lambda: events.training_imported(agency, actor="system", file_sha256="b" * 64),
            "b" * 64,
        ),
        OrgEvent.SUPERVISORY_AREA_SET: (
            lambda: events.supervisory_area_set(body, actor="system"),
            events.area_digest(body),
        ),
        OrgEvent.SUPERVISORY_BODY_CREATED: (
            lambda: events.org_row_created(body),
            record_digest(body),
        ),
    }


def test_every_org_event_is_written_by_its_builder_with_its_digest(officer, agency, laws):
    writes = _writes(officer, agency)
    assert set(writes) == set(OrgEvent)
    for event, (write, digest) in writes.items():
        entry = write()
        assert (entry.action, entry.object_type) == (event.value, event.object_type)
        assert entry.content_sha256 == digest
        assert BUILDERS[event.value].__module__ == "sanxiang.org.events"
