"""The org app's ledger events and their builders (see ``sanxiang.ledger.events``).

Rows created or edited carry the digest of their field values as saved (``record_digest``, the
same digest the 管理后台's events carry); loaded source files carry the file's own SHA-256.
"""

from __future__ import annotations

from django.contrib.auth.models import User

from sanxiang.ledger.events import Event, builds, content_digest, record_digest
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.services import SYSTEM, sha256_hex
from sanxiang.org.models import (
    Agency,
    ApiToken,
    EnforcementCategory,
    Law,
    Officer,
    SigningKey,
    SupervisoryBody,
    Unit,
)


class OrgEvent(Event):
    AGENCY_CREATED = "org.agency.created", "org.agency"
    UNIT_CREATED = "org.unit.created", "org.unit"
    OFFICER_CREATED = "org.officer.created", "org.officer"
    SUPERVISORY_BODY_CREATED = "org.supervisorybody.created", "org.supervisorybody"
    # The agencies of a body's area: what its 监督人员 may read.
    SUPERVISORY_AREA_SET = "org.supervisorybody.area_set", "org.supervisorybody"
    OFFICER_IMPORTED = "org.officer.imported", "org.officer"
    OFFICER_PASSWORD_RESET = "org.officer.password_reset", "org.officer"
    OFFICER_PASSWORD_SET_AFTER_RESET = "org.officer.password_set_after_reset", "org.officer"
    USER_PASSWORD_CHANGED = "auth.user.password_changed", "auth.user"
    CATEGORY_LOADED = "org.enforcementcategory.loaded", "org.enforcementcategory"
    LAW_LOADED = "org.law.loaded", "org.law"
    SIGNING_KEY_REGISTERED = "org.signingkey.registered", "org.signingkey"
    TRAINING_IMPORTED = "org.training.imported", "org.agency"


class ApiTokenEvent(Event):
    """A client system's API token made or revoked (never the token: the row's digest, which
    holds its SHA-256)."""

    CREATED = "org.apitoken.created", "org.apitoken"
    REVOKED = "org.apitoken.revoked", "org.apitoken"


CREATED = {
    Agency: OrgEvent.AGENCY_CREATED,
    Unit: OrgEvent.UNIT_CREATED,
    Officer: OrgEvent.OFFICER_CREATED,
    SupervisoryBody: OrgEvent.SUPERVISORY_BODY_CREATED,
}


@builds(*CREATED.values())
def org_row_created(
    obj: Agency | Unit | Officer | SupervisoryBody, *, actor: str = SYSTEM
) -> LedgerEntry:
    """An agency, unit, officer or supervising body created outside the 管理后台 (the demo data)."""
    return CREATED[type(obj)].append(
        obj.pk, actor=actor, agency_id=obj.ledger_agency_id, content_sha256=record_digest(obj)
    )


@builds(OrgEvent.OFFICER_IMPORTED)
def officer_imported(officer: Officer, *, actor: str, file_sha256: str) -> LedgerEntry:
    """An officer created from an imported list (``file_sha256``: the list file's digest)."""
    return OrgEvent.OFFICER_IMPORTED.append(
        officer.pk, actor=actor, agency_id=officer.ledger_agency_id, content_sha256=file_sha256
    )


@builds(OrgEvent.OFFICER_PASSWORD_RESET, OrgEvent.OFFICER_PASSWORD_SET_AFTER_RESET)
def officer_password_event(officer: Officer, event: OrgEvent, *, actor: str) -> LedgerEntry:
    """A temporary password issued, or the officer's own chosen after it (the row's digest:
    the password itself is nowhere, its salted hash is in the user row)."""
    return event.append(
        officer.pk,
        actor=actor,
        agency_id=officer.unit.agency_id,
        content_sha256=record_digest(officer),
    )


@builds(OrgEvent.USER_PASSWORD_CHANGED)
def user_password_changed(user: User, *, actor: str, agency_id: int | None) -> LedgerEntry:
    return OrgEvent.USER_PASSWORD_CHANGED.append(
        user.pk, actor=actor, agency_id=agency_id, content_sha256=record_digest(user)
    )


@builds(OrgEvent.CATEGORY_LOADED)
def category_loaded(category: EnforcementCategory) -> LedgerEntry:
    line = f"{category.code},{category.name}".encode()
    return OrgEvent.CATEGORY_LOADED.append(
        category.pk, actor=SYSTEM, content_sha256=sha256_hex(line)
    )


@builds(OrgEvent.LAW_LOADED)
def law_loaded(law: Law, source: bytes) -> LedgerEntry:
    return OrgEvent.LAW_LOADED.append(law.pk, actor=SYSTEM, content_sha256=sha256_hex(source))


@builds(OrgEvent.SIGNING_KEY_REGISTERED)
def signing_key_registered(key: SigningKey) -> LedgerEntry:
    # key_id is the SHA-256 of the raw public key.
    return OrgEvent.SIGNING_KEY_REGISTERED.append(
        key.pk,
        actor=key.officer.ledger_actor,
        agency_id=key.officer.ledger_agency_id,
        content_sha256=key.key_id,
    )


@builds(OrgEvent.TRAINING_IMPORTED)
def training_imported(agency: Agency, *, actor: str, file_sha256: str) -> LedgerEntry:
    """A 培训记录 file imported for ``agency`` (the file's digest; one event per file)."""
    return OrgEvent.TRAINING_IMPORTED.append(
        agency.pk, actor=actor, agency_id=agency.pk, content_sha256=file_sha256
    )


@builds(ApiTokenEvent.CREATED, ApiTokenEvent.REVOKED)
def api_token_event(token: ApiToken, event: ApiTokenEvent, *, actor: str) -> LedgerEntry:
    return event.append(
        token.pk, actor=actor, agency_id=token.agency_id, content_sha256=record_digest(token)
    )


def area_digest(body: SupervisoryBody) -> str:
    return content_digest(
        {"body": body.pk, "agencies": sorted(body.agencies.values_list("pk", flat=True))}
    )


@builds(OrgEvent.SUPERVISORY_AREA_SET)
def supervisory_area_set(body: SupervisoryBody, *, actor: str) -> LedgerEntry:
    """The agencies of a supervising body's area as saved (their sorted ids' digest)."""
    return OrgEvent.SUPERVISORY_AREA_SET.append(
        body.pk, actor=actor, agency_id=body.agency_id, content_sha256=area_digest(body)
    )
