"""Accepting a submission: one insert, and nothing else on the way to the response."""

from summaries.models import Submission
from summaries.observability import tracing
from summaries.services.confirmation import initial_fields


def accept_submission(answers: dict) -> Submission:
    """Store the answers; the workers' relay publishes the row's message (services/relay.py).

    The row's created_at is the moment it was received: its history of events starts with the
    first change a worker makes, so that a submit costs one insert and no broker round trip.
    """
    return Submission.objects.create(**answers, **initial_fields(), trace_context=tracing.current_traceparent())
