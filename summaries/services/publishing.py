"""Handing a "look at row N" message to the broker, never for longer than a moment.

Only workers publish (the relay and the sweep, services/sweep.py), never a web request. A
failed publish loses nothing: the row is the truth, so we only clear `enqueued_at`, and a
later relay tick or sweep publishes it again once the broker answers.
"""

import logging

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from summaries.models import Submission

logger = logging.getLogger("summaries.publishing")


def publish(submission_id: int) -> bool:
    """Publish one message for the row; on any broker trouble, leave it for a later try."""
    from summaries.tasks import process_submission

    try:
        # retry=False: one bounded attempt (connection and socket timeouts from settings);
        # with RabbitMQ's publisher confirms, the wait for the confirm is bounded the same way.
        process_submission.apply_async((submission_id,), retry=False, confirm_timeout=settings.PUBLISH_TIMEOUT_SECONDS)
    except Exception as exc:  # noqa: BLE001 - any broker failure means "not published"
        logger.warning("submission=%s publish failed, left for a later try: %s", submission_id, type(exc).__name__)
        try:
            Submission.objects.filter(pk=submission_id).update(enqueued_at=None)
        except DatabaseError:
            # The row is committed either way: with enqueued_at still set, the sweep publishes
            # it SUBMISSION_REQUEUE_AFTER_SECONDS later instead of at its next run.
            logger.warning("submission=%s could not be marked unpublished; the sweep will find it later", submission_id)
        return False
    return True


def mark_enqueued(submission_id: int, previous) -> bool:
    """Take the right to publish this row; False when another relay or sweep took it first."""
    return bool(Submission.objects.filter(pk=submission_id, enqueued_at=previous).update(enqueued_at=timezone.now()))
