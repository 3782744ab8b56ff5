"""Handing "look at row N" messages to the broker, never for longer than a moment.

Only workers publish (the relay, services/relay.py, and the sweep, services/sweep.py), never a
web request. A row is taken for publishing by setting its `enqueued_at` under a row lock, so of
several relays and sweeps racing for it, one publishes it. A failed publish loses nothing: the
row is the truth, so its `enqueued_at` is cleared again, and a later relay tick or sweep
publishes it once the broker answers.
"""

import logging

from celery import current_app
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import QuerySet
from django.db.models.functions import Now

from summaries.models import Submission
from summaries.observability import tracing

logger = logging.getLogger("summaries.publishing")

# By name, so that publishing needs nothing from summaries.tasks (which imports the services).
PROCESS_SUBMISSION_TASK = "summaries.tasks.process_submission"


def publish_each(submissions: QuerySet, *, limit: int) -> tuple[int, bool]:
    """Take and publish up to `limit` of these rows; how many went out, and whether the broker took them all."""
    taken = take_for_publishing(submissions, limit=limit)
    for published, submission_id in enumerate(taken):
        if not publish(submission_id):
            # The broker is away: the rest would wait out the same timeout, one by one.
            mark_unpublished(taken[published:])
            return published, False
    return len(taken), True


def take_for_publishing(submissions: QuerySet, *, limit: int) -> list[int]:
    """Mark up to `limit` of these rows as published now; their ids, oldest first.

    A plain read first, so that an idle relay tick takes no lock; then the rows it found are
    locked and checked again, skipping any that another relay or sweep holds or took meanwhile.
    (SQLite has no row locks: there the transaction takes the database's write lock.)
    """
    candidates = list(submissions.values_list("pk", flat=True)[:limit])
    if not candidates:
        return []
    with transaction.atomic():
        locked = submissions.filter(pk__in=candidates).select_for_update(skip_locked=True)
        taken = list(locked.values_list("pk", flat=True))
        # The database's clock, against which the sweep judges how long a message has been out.
        Submission.objects.filter(pk__in=taken).update(enqueued_at=Now())
    return taken


def publish(submission_id: int) -> bool:
    """Publish one message for the row; False on any broker trouble (the caller marks it unpublished)."""
    try:
        with current_app.producer_or_acquire() as producer:
            try:
                # retry=False: one bounded attempt (connection and socket timeouts from settings);
                # with RabbitMQ's publisher confirms, the wait for the confirm is bounded the same way.
                with tracing.span_for_submission("publish", submission_id):
                    current_app.send_task(
                        PROCESS_SUBMISSION_TASK,
                        args=(submission_id,),
                        retry=False,
                        confirm_timeout=settings.PUBLISH_TIMEOUT_SECONDS,
                        producer=producer,
                    )
            except Exception:
                # No goodbye on a connection that failed: RabbitMQ under a memory alarm no longer
                # reads a connection that published, and would never answer its close.
                producer.connection.collect()
                raise
    except Exception as exc:  # noqa: BLE001 - any broker failure means "not published"
        logger.warning("submission=%s publish failed, left for a later try: %s", submission_id, type(exc).__name__)
        return False
    return True


def mark_unpublished(submission_ids: list[int]) -> None:
    """Rows taken for publishing that did not go out: the next relay tick or sweep publishes them."""
    try:
        Submission.objects.filter(pk__in=submission_ids).update(enqueued_at=None)
    except DatabaseError:
        # The rows are committed either way: with enqueued_at still set, the sweep publishes
        # them SUBMISSION_REQUEUE_AFTER_SECONDS later instead of at its next run.
        logger.warning(
            "%s submissions could not be marked unpublished; the sweep will find them later", len(submission_ids)
        )
