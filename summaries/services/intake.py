"""Accepting a submission: one insert, and nothing else on the way to the response."""

from summaries.i18n.languages import supported_language
from summaries.models import Submission
from summaries.services.confirmation import initial_fields


def accept_submission(answers: dict, *, language: str | None = None) -> Submission:
    """Store the answers; the workers' relay publishes the row's message (services/relay.py).

    The row's created_at is the moment it was received: its history of events starts with the
    first change a worker makes, so that a submit costs one insert and no broker round trip.
    `language` is the one the person filled the form in (None: the default): their email and PDF
    are written in it.
    """
    return Submission.objects.create(**answers, language=supported_language(language), **initial_fields())
