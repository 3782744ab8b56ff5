import pytest

from summaries.tests.factories import ANSWERS


@pytest.fixture
def answers() -> dict:
    return dict(ANSWERS)
