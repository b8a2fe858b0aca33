"""``sanxiang demo`` leaves a few complaints in each state, once."""

from __future__ import annotations

import pytest

from sanxiang.complaints.models import Complaint
from sanxiang.demo.complaints import demo_complaints_load
from sanxiang.demo.services import demo_load

pytestmark = pytest.mark.django_db


def test_the_demo_has_complaints_in_each_state_and_loading_again_adds_none():
    demo_load()
    made = demo_complaints_load()
    assert made == Complaint.objects.count() == 7
    assert set(Complaint.objects.values_list("status", flat=True)) == {
        "registered",
        "accepted",
        "handling",
        "replied",
    }
    assert Complaint.objects.filter(for_supervisor=True).count() == 2
    assert demo_complaints_load() == 0
