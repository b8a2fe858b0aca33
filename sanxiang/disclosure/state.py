"""A publication's state as the ledger records it with every event about it.

The recipe covers the public text, the 双公示 fields, the status and withdrawal, the credit
period, and every confirmed version: what the portal, the API and the CSV show. A public text
or a fine edited in the database, or a publication row deleted, no longer matches the log.
"""

from __future__ import annotations

from typing import Any

from sanxiang.ledger.state import columns, register_state_recipe

# ``search_tokens`` is derived from the public text and rebuilt in bulk by the search index.
DERIVED = ("search_tokens",)


def publication_state(publication: Any) -> dict[str, object]:
    # ``.all()`` sorted here: ``verify`` prefetches the versions of a chunk of publications.
    versions = sorted(publication.versions.all(), key=_pk)
    return {
        **columns(publication, exclude=DERIVED),
        "versions": [columns(version) for version in versions],
    }


def _pk(row: Any) -> Any:
    return row.pk


def register_publication_state() -> None:
    from sanxiang.disclosure.models import Publication

    register_state_recipe(
        "disclosure.publication",
        rows=lambda: Publication.objects.all(),
        document=publication_state,
        related=("versions",),
    )
