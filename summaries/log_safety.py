"""What a log line may say about a submission: ids, never the person's data."""

import re

from celery import current_task

# Good enough to catch an address quoted in a mail server's answer; not a validator.
_ADDRESS = re.compile(r"[^\s<>()\[\],;:\"']+@[^\s<>()\[\],;:\"']+")


def current_task_id() -> str:
    """The Celery task id when called from a task, "-" from a web request."""
    request = getattr(current_task, "request", None)
    return getattr(request, "id", None) or "-"


def mask_addresses(text: str) -> str:
    return _ADDRESS.sub("<address>", text)
