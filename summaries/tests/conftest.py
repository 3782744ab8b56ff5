import pytest
from django.core.cache import cache

VALID_ANSWERS = {
    "email": "ada@example.com",
    "name": "Ada Lovelace",
    "about": "I write programs\nfor engines that do not exist yet.",
    "hobby": "Mathematics",
    "color": "Purple",
    "saying": "That brain of mine is something more than merely mortal.",
    "dream_job": "Analyst",
}


@pytest.fixture
def answers() -> dict:
    return dict(VALID_ANSWERS)


@pytest.fixture(autouse=True)
def _fresh_rate_limit_counts():
    """Rate-limit counts live in the shared file cache: no test may inherit another's."""
    cache.clear()
    yield
    cache.clear()
