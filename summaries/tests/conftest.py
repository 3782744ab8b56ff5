import pytest
from django.core.cache import cache

from summaries.tests.factories import ANSWERS


@pytest.fixture
def answers() -> dict:
    return dict(ANSWERS)


@pytest.fixture(autouse=True)
def _fresh_rate_limit_counts():
    """Rate-limit counts live in the shared file cache: no test may inherit another's."""
    cache.clear()
    yield
    cache.clear()
