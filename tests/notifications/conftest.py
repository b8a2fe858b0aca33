from __future__ import annotations

from tests.cases.conftest import (  # noqa: F401 - fixtures shared with the case tests
    articles,
    coercive_case,
    general_case,
    on_spot_case,
    staff,
    statutory_catalogue,
)
from tests.review.conftest import defaults, notified_case  # noqa: F401
