"""The legal reviewer reaches 同案同罚 from the review page and may open it."""

from __future__ import annotations

# ruff: noqa: F811 - the fixtures imported from the review tests are fixture arguments
from django.urls import reverse

from tests.review.conftest import defaults, notified_case  # noqa: F401
from tests.review.test_review_flow import submit


def test_the_reviewer_opens_the_similar_cases_from_the_review_page(client, staff, notified_case):
    review = submit(staff, notified_case)
    client.force_login(staff.zhou.user)
    detail = client.get(reverse("review:detail", args=[review.pk])).content.decode()
    link = reverse("similar:case", args=[notified_case.pk])
    assert link in detail
    page = client.get(link)
    assert page.status_code == 200 and 'id="no-draft"' not in page.content.decode()
