from __future__ import annotations

from tests.cases.conftest import (  # noqa: F401 - fixtures shared with the case tests
    articles,
    on_spot_case,
    staff,
    statutory_catalogue,
)
