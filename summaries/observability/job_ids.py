"""Which submission, task and trace the current code works for: read by the JSON log lines."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from celery import current_task

from summaries.observability import tracing

_submission_id: ContextVar[int | None] = ContextVar("submission_id", default=None)


@contextmanager
def working_on(submission_id: int) -> Iterator[None]:
    token = _submission_id.set(submission_id)
    try:
        yield
    finally:
        _submission_id.reset(token)


def current_ids() -> dict[str, object]:
    return {
        "submission_id": _submission_id.get(),
        "task_id": (current_task.request.id or None) if current_task else None,
        "trace_id": tracing.current_trace_id(),
    }
