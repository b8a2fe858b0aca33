# ruff: noqa: F811 - the fixtures imported from the discretion tests are used as arguments
"""The 监督驾驶舱's 裁量偏离 block: the share of decisions outside the tier in the body's area,
by agency, unit and handler, read from what each decision recorded."""

from __future__ import annotations

from django.urls import reverse

from tests.discretion.conftest import items, laws, published  # noqa: F401 - shared fixtures
from tests.discretion.test_deviation import OUTSIDE_REASONS, decide


def test_the_dashboard_shows_the_deviation_of_the_supervised_agencies(
    client, oversight, staff, published
):
    decide(staff, fine="2000")
    decide(staff, fine="8000", reasons=OUTSIDE_REASONS)
    client.force_login(oversight.supervisor.user)
    page = client.get(reverse("supervision:home")).content.decode()
    assert 'id="deviation"' in page and "超出裁量阶次" in page
    assert "1 件（50.0%）" in page and staff.zhang.name in page
    one = client.get(reverse("supervision:home"), {"agency": staff.zhang.unit.agency_id})
    assert "1 件（50.0%）" in one.content.decode()


def test_a_county_supervisor_does_not_see_the_citys_deviation(client, oversight, staff, published):
    decide(staff, fine="8000", reasons=OUTSIDE_REASONS)
    client.force_login(oversight.county_supervisor.user)
    page = client.get(reverse("supervision:home")).content.decode()
    assert 'id="deviation"' in page and staff.zhang.name not in page
    assert "<dt>决定</dt><dd>0 件</dd>" in page
