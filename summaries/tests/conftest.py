from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from summaries.services.publishing import PROCESS_SUBMISSION_TASK
from summaries.tests.factories import ANSWERS


@pytest.fixture(autouse=True)
def _nothing_cached():
    """Each test starts with an empty cache, as a new process does: the overview keeps finished hours there."""
    cache.clear()


@pytest.fixture
def answers() -> dict:
    return dict(ANSWERS)


class FakeBroker:
    """Takes the place of the Celery app's publishing in unit tests; the integration tests use a real broker."""

    def __init__(self):
        self.refusing = False
        self.tried: list[int] = []
        self.published: list[int] = []
        # Connections dropped without a goodbye after a failed publish.
        self.collected = 0

    @contextmanager
    def producer_or_acquire(self, producer=None):
        yield SimpleNamespace(connection=SimpleNamespace(collect=self._collect))

    def _collect(self):
        self.collected += 1

    def send_task(self, name, args=(), **options):
        assert name == PROCESS_SUBMISSION_TASK
        self.tried.append(args[0])
        if self.refusing:
            raise ConnectionRefusedError("broker down")
        self.published.append(args[0])


@pytest.fixture
def broker(monkeypatch) -> FakeBroker:
    fake = FakeBroker()
    monkeypatch.setattr("summaries.services.publishing.current_app", fake)
    return fake


@pytest.fixture
def published(broker) -> list[int]:
    """The submission ids handed to the broker."""
    return broker.published
