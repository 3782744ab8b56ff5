"""Accepting a submission: one insert, and nothing else on the way to the response."""

from summaries.i18n.languages import supported_language
from summaries.models import Submission, SubmissionStatus
from summaries.observability import tracing
from summaries.services.claims import record_event
from summaries.services.confirmation import initial_fields
from summaries.services.suppression import SUPPRESSED_DETAIL, is_suppressed


def accept_submission(answers: dict, *, language: str | None = None) -> Submission:
    """Store the answers; the workers' relay publishes the row's message (services/relay.py).

    The row's created_at is the moment it was received: its history of events starts with the
    first change a worker makes, so that a submit costs one insert and no broker round trip.
    A suppressed address is stored as well, already at its end: the person who filled in the
    form sees the same answer either way, so the form cannot be used to probe the list.
    `language` is the one the person filled the form in (None: the default): their email and PDF
    are written in it.
    """
    language = supported_language(language)
    if is_suppressed(answers["email"]):
        submission = Submission.objects.create(**answers, language=language, status=SubmissionStatus.SUPPRESSED)
        record_event(submission.pk, status=SubmissionStatus.SUPPRESSED, detail=SUPPRESSED_DETAIL)
        return submission
    return Submission.objects.create(
        **answers, language=language, **initial_fields(), trace_context=tracing.current_traceparent()
    )
