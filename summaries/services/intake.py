"""Accepting a submission: one insert, committed, then one bounded publish."""

from django.db import transaction
from django.utils import timezone

from summaries.models import Submission
from summaries.services.claims import record_event
from summaries.services.confirmation import initial_fields
from summaries.services.publishing import publish_after_commit


def accept_submission(answers: dict) -> Submission:
    # Within the submit's transaction (views.submit_form) a savepoint would only add round
    # trips: an error here fails the whole submit anyway. The publish waits for the outer commit.
    with transaction.atomic(savepoint=False):
        # enqueued_at is set before the publish so the happy path costs no second write;
        # a failed publish clears it, and a web process dying in between is caught by the
        # sweep once SUBMISSION_REQUEUE_AFTER_SECONDS have passed.
        submission = Submission.objects.create(**answers, **initial_fields(), enqueued_at=timezone.now())
        record_event(submission.pk, submission.status)
        publish_after_commit(submission.pk)
    return submission
