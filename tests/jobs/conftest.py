from __future__ import annotations

from tests.cases.conftest import (  # noqa: F401 - fixtures shared with the case tests
    articles,
    staff,
    statutory_catalogue,
)
