"""The event vocabulary: what an app's ``events.py`` is made of, and the ledger's own events.

Each app that writes to the ledger has one ``events.py`` holding an enum of its events (the
action strings in the leaves — never renamed: stored ledgers and their verifiers depend on them —
each with the type of object it is about) and one builder per event or family of events of one
shape. A builder takes the domain objects, computes the event's content digest and appends it;
``sanxiang ledger verify``'s checks call the same digest functions, so each digest is computed in
one place. Services call builders, never ``ledger_append`` itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Self, TypeVar

from django.db import models

from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.services import SYSTEM, actor_for, ledger_append, sha256_hex

F = TypeVar("F", bound=Callable[..., Any])


def content_digest(content: object) -> str:
    """SHA-256 of the canonical JSON of ``content``: how structured content becomes a digest."""
    return sha256_hex(canonical_json(content))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def record_digest(obj: models.Model) -> str:
    """SHA-256 of the canonical JSON of ``obj``'s concrete field values (as saved)."""
    return content_digest(
        {field.attname: _plain(getattr(obj, field.attname)) for field in obj._meta.concrete_fields}
    )


# The object type of an event that may be about a row of any type (it is given when appending).
ANY = "*"


class Event(StrEnum):
    """One ledger event: its action string (the member's value) and its object type."""

    object_type: str

    def __new__(cls, action: str, object_type: str) -> Event:
        member = str.__new__(cls, action)
        member._value_ = action
        member.object_type = object_type
        return member

    @classmethod
    def named(cls, action: str) -> Self:
        """The member whose action string is ``action``; ``ValueError`` when there is none."""
        return cls(action)  # type: ignore[call-arg]

    def append(
        self,
        object_id: str | int,
        *,
        actor: str,
        agency_id: int | None = None,
        content_sha256: str = "",
        object_type: str = "",
    ) -> LedgerEntry:
        """Append this event; ``object_type`` only for events about any type (``ANY``)."""
        if bool(object_type) != (self.object_type == ANY):
            raise ValueError(f"{self.value}: object type {object_type!r} not expected")
        return ledger_append(
            actor=actor,
            action=self.value,
            object_type=object_type or self.object_type,
            object_id=object_id,
            agency_id=agency_id,
            content_sha256=content_sha256,
        )


# action -> the builder that writes it (filled by ``builds``; the vocabulary tests read it).
BUILDERS: dict[str, Callable[..., Any]] = {}


def builds(*events: Event) -> Callable[[F], F]:
    """Mark a function as the one builder of ``events``."""

    def register(function: F) -> F:
        for event in events:
            if BUILDERS.get(event.value, function) is not function:
                raise ValueError(f"{event.value} already has a builder")
            BUILDERS[event.value] = function
        return function

    return register


class LedgerEvent(Event):
    STATE_ANCHORED = "ledger.state.anchored", ANY
    WITNESS_WATCH = "ledger.witness.watch", "ledger.watchedlog"
    WITNESS_COSIGNED = "ledger.witness.cosigned", "ledger.checkpoint"
    WITNESS_RECEIVED = "ledger.witness.received", "ledger.cosignature"
    WITNESS_CONFIGURED = "ledger.witness.configured", "ledger.witness"


class AdminVerb(StrEnum):
    """What the 管理后台 did to a row: ``<app>.<model>.<verb>`` (``admin_support``)."""

    CREATED = "created"
    CHANGED = "changed"
    DELETED = "deleted"


def admin_change_recorded(
    request: Any, obj: models.Model, verb: AdminVerb, object_id: Any = None
) -> LedgerEntry:
    return row_recorded(
        obj, f"{obj._meta.label_lower}.{verb}", actor=actor_for(request.user), object_id=object_id
    )


@builds(LedgerEvent.WITNESS_WATCH)
def witness_watched(*, key_id: str, public_key_pem: str) -> LedgerEntry:
    return LedgerEvent.WITNESS_WATCH.append(
        key_id[:64], actor=SYSTEM, content_sha256=sha256_hex(public_key_pem.encode("ascii"))
    )


@builds(LedgerEvent.WITNESS_COSIGNED, LedgerEvent.WITNESS_RECEIVED)
def witness_signature_recorded(event: LedgerEvent, object_id: int, payload: str) -> LedgerEntry:
    """A checkpoint this installation co-signed, or a witness's co-signature it received."""
    return event.append(object_id, actor=SYSTEM, content_sha256=sha256_hex(payload.encode()))


@builds(LedgerEvent.WITNESS_CONFIGURED)
def witness_configured(*, witness_id: int, name: str, url: str, public_key_pem: str) -> LedgerEntry:
    content = {"name": name, "url": url, "public_key_pem": public_key_pem}
    return LedgerEvent.WITNESS_CONFIGURED.append(
        witness_id, actor=SYSTEM, content_sha256=content_digest(content)
    )


def row_recorded(
    obj: models.Model, action: str, *, actor: str, object_id: Any = None
) -> LedgerEntry:
    """An event about a row carrying the digest of its field values as saved
    (``<app>.<model>.<verb>``): the admin's edits, and rows written by commands or the demo."""
    agency = getattr(obj, "ledger_agency_id", None)
    return ledger_append(
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(object_id if object_id is not None else obj.pk),
        agency_id=agency() if callable(agency) else agency,
        content_sha256=record_digest(obj),
    )
