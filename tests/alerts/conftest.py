from tests.cases.conftest import articles, coercive_case, staff, statutory_catalogue  # noqa: F401
