"""Entering a year's holiday schedule in 管理后台: bad input gets a Chinese error, never a 500."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from sanxiang.core.models import CalendarYear

NOW = datetime(2026, 6, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def admin_client(django_user_model, db):
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("admin", password="x" * 12))
    return client


@pytest.mark.parametrize("year", ["20000", "0", "1999"])
def test_a_year_out_of_range_is_refused_with_a_message_not_a_server_error(admin_client, year):
    page = admin_client.post(
        "/office/admin/core/calendaryear/add/", {"year": year, "source": "国办发明电〔2026〕1号"}
    )
    assert page.status_code == 200
    assert "errorlist" in page.content.decode()
    assert not CalendarYear.objects.exists()
