import pytest

from summaries.tests.factories import ANSWERS


@pytest.fixture
def answers() -> dict:
    return dict(ANSWERS)


@pytest.fixture
def published(monkeypatch) -> list[int]:
    """The submission ids handed to the broker, which is not reached (it is tested end to end)."""
    sent = []
    monkeypatch.setattr("summaries.tasks.process_submission.apply_async", lambda args, **kw: sent.append(args[0]))
    return sent
