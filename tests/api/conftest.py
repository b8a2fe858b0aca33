from __future__ import annotations

from datetime import date

import pytest
import time_machine

from tests.api.helpers import publish
from tests.cases.conftest import (  # noqa: F401 - fixtures shared with the case tests
    articles,
    general_case,
    staff,
    statutory_catalogue,
)
from tests.disclosure.test_publications import decided


@pytest.fixture
def published(staff, general_case, articles):  # noqa: F811
    """A confirmed full-text penalty decision of 2026-09-30 against 王某 (ID number on file)."""
    with time_machine.travel(date(2026, 10, 9), tick=False):
        return publish(staff, decided(staff, general_case, articles))
