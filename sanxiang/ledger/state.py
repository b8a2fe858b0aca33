"""State digests: the SHA-256 of a row's current state, carried by every event about the row.

An app registers one *recipe* per object type: which rows there are, and which of their
columns (and dependent rows) make up their state. ``ledger_append`` computes the digest with
that recipe for every event about such an object and puts it in the leaf as ``state_sha256``;
``sanxiang ledger verify`` computes it again, row by row, and compares it with the digest of
the object's latest event. A column changed behind the services' back, a dependent row deleted,
or a row deleted without a recorded deletion, no longer agrees with the log.

Another app may add a *part* to a recipe (the review app adds a case's determinations to the
case's state) without the owning app importing it: the ledger stays the lowest layer.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models

from sanxiang.ledger.canonical import canonical_json, sha256_hex

# The digest an event carries when its object no longer exists (a recorded deletion).
DELETED = "0" * 64

Part = Callable[[Any], object]
# (a chunk of rows) -> the part's value for each of them, by primary key, read in a few queries.
PartBatch = Callable[[list[Any]], Mapping[Any, object]]


@dataclass
class StateRecipe:
    """How to find the rows of one object type and what their state consists of."""

    object_type: str
    rows: Callable[[], models.QuerySet[Any]]
    document: Callable[[Any], dict[str, object]]
    parts: dict[str, Part] = field(default_factory=dict)
    # Relations ``verify`` prefetches for each chunk of rows (the document reads them with
    # ``.all()``), so that it does not query them once per row.
    related: tuple[str, ...] = ()
    # Values a migration renamed: column -> current value -> the names it had before. An event
    # recorded before the rename carries the old name; ``matches`` accepts it for that value.
    renamed: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    # Parts that ``verify`` computes for a chunk of rows at once (``register_state_part``).
    batches: dict[str, PartBatch] = field(default_factory=dict)

    def state(
        self, row: Any, batched: Mapping[str, Mapping[Any, object]] | None = None
    ) -> dict[str, object]:
        """``batched``: parts already computed for a chunk of rows (``batch_parts``)."""
        state = self.document(row)
        for name, part in sorted(self.parts.items()):
            values = batched.get(name) if batched is not None else None
            state[name] = values[row.pk] if values is not None else part(row)
        return state

    def digest(self, row: Any, batched: Mapping[str, Mapping[Any, object]] | None = None) -> str:
        return sha256_hex(canonical_json(self.state(row, batched)))

    def batch_parts(self, rows: list[Any]) -> dict[str, Mapping[Any, object]]:
        """Every part that has a batch, computed for ``rows`` (each batch gives a value for
        every row: the same value ``part(row)`` gives)."""
        return {name: batch(rows) for name, batch in self.batches.items() if name in self.parts}

    def matches(
        self, row: Any, recorded: str, batched: Mapping[str, Mapping[Any, object]] | None = None
    ) -> bool:
        """Whether ``recorded`` (an event's state digest) is the row's state now — or the same
        state under a name a migration has since replaced (``renamed``)."""
        state = self.state(row, batched)
        if sha256_hex(canonical_json(state)) == recorded:
            return True
        for column, names in self.renamed.items():
            for old in names.get(str(state.get(column)), ()):
                if sha256_hex(canonical_json({**state, column: old})) == recorded:
                    return True
        return False

    def digest_of(self, object_id: str) -> str:
        """The digest of the row now, or ``DELETED`` when there is no such row."""
        row = self.rows().filter(pk=object_id).first()
        return DELETED if row is None else self.digest(row)


_recipes: dict[str, StateRecipe] = {}
_pending_parts: dict[str, dict[str, tuple[Part, PartBatch | None]]] = {}


def register_state_recipe(
    object_type: str,
    *,
    rows: Callable[[], models.QuerySet[Any]],
    document: Callable[[Any], dict[str, object]],
    related: tuple[str, ...] = (),
    renamed: Mapping[str, Mapping[str, tuple[str, ...]]] | None = None,
) -> None:
    """Let every event about ``object_type`` carry, and ``verify`` check, the row's state.

    ``related``: relations of the rows that ``document`` reads with ``.all()``; ``verify``
    prefetches them for a chunk of rows at once. ``renamed``: values a migration renamed
    (``StateRecipe.renamed``).
    """
    recipe = StateRecipe(object_type, rows, document, related=related, renamed=renamed or {})
    for name, (part, batch) in _pending_parts.pop(object_type, {}).items():
        _add_part(recipe, name, part, batch)
    _recipes[object_type] = recipe


def register_state_part(
    object_type: str, name: str, part: Part, *, batch: PartBatch | None = None
) -> None:
    """Add ``part(row)`` to the state of ``object_type`` (registered by another app).

    ``batch``: the same values for a chunk of rows at once, ``{row.pk: part(row)}``, read in a
    few queries; ``verify`` uses it instead of calling ``part`` once per row.
    """
    recipe = _recipes.get(object_type)
    if recipe is None:
        _pending_parts.setdefault(object_type, {})[name] = (part, batch)
    else:
        _add_part(recipe, name, part, batch)


def _add_part(recipe: StateRecipe, name: str, part: Part, batch: PartBatch | None) -> None:
    recipe.parts[name] = part
    if batch is None:
        recipe.batches.pop(name, None)
    else:
        recipe.batches[name] = batch


def state_recipe_for(object_type: str) -> StateRecipe | None:
    return _recipes.get(object_type)


def state_recipes() -> list[StateRecipe]:
    return [_recipes[name] for name in sorted(_recipes)]


def plain(value: object) -> object:
    """A column value as canonical JSON allows it (no floats, no dates, no decimals)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def columns(row: models.Model, *, exclude: Iterable[str] = ()) -> dict[str, object]:
    """Every concrete column of ``row`` (foreign keys as their ids), except ``exclude``.

    New columns are part of the state by default: leaving one out is a decision to write down.
    """
    skip = set(exclude)
    return {
        f.attname: plain(getattr(row, f.attname))
        for f in row._meta.concrete_fields
        if f.name not in skip and f.attname not in skip
    }
