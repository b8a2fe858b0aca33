from __future__ import annotations

from tests.cases.conftest import (  # noqa: F401 - fixtures shared with the case tests
    articles,
    coercive_case,
    coercive_with_basis,
    general_case,
    inspection,
    on_spot_case,
    staff,
    statutory_catalogue,
)
from tests.review.conftest import defaults, notified_case  # noqa: F401
from tests.supervision.conftest import oversight  # noqa: F401 - the year-end pages' 监督人员
