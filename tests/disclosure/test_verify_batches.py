"""``ledger verify`` reads the published lists and publication versions a batch refers to in
one query, and still finds one altered behind the append-only triggers."""

# ruff: noqa: F811 - the fixtures imported from the other tests are fixture arguments

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sanxiang.ledger.verify import verify_ledger
from tests.disclosure.test_listings import add_item, publish
from tests.ledger.conftest import lift_triggers
from tests.ledger.test_state_digests import problems, published  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def _verify(table: str) -> tuple[list[str], int]:
    with CaptureQueriesContext(connection) as queries:
        report = verify_ledger()
    return report.problems, sum(f'FROM "{table}"' in q["sql"] for q in queries.captured_queries)


def test_verify_reads_a_batch_of_listings_in_one_query_and_still_finds_an_altered_one(
    staff, agency, articles
):
    add_item(agency, articles)
    first = publish(staff, "items")
    add_item(agency, articles, code="CG-002", name="擅自设置大型户外广告的处罚")
    second = publish(staff, "items")
    found, reads = _verify("disclosure_listingsnapshot")
    assert found == [] and reads == 1
    lift_triggers(("disclosure_listingsnapshot",))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE disclosure_listingsnapshot SET content = %s WHERE id = %s",
            ['{"items": []}', second.pk],
        )
    found, reads = _verify("disclosure_listingsnapshot")
    assert reads == 1
    assert any(f"listing snapshot {second.pk} no longer has the content" in p for p in found)
    assert not any(f"listing snapshot {first.pk} " in p for p in found)


def test_verify_reads_publication_versions_per_chunk_and_still_finds_an_altered_one(published):
    found, reads = _verify("disclosure_publicationversion")
    assert found == [] and reads == 1
    lift_triggers(("disclosure_publicationversion",))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE disclosure_publicationversion SET text = 'x' WHERE publication_id = %s",
            [published.pk],
        )
    assert [p for p in problems() if p.startswith(f"disclosure.publication {published.pk}: ")]
