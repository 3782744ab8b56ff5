"""Handing a "look at row N" message to the broker, never for longer than a moment.

Only workers publish (the relay and the sweep, services/sweep.py), never a web request. A
failed publish loses nothing: the row is the truth, so we only clear `enqueued_at`, and a
later relay tick or sweep publishes it again once the broker answers. Rows are taken for
publishing a batch at a time, with one UPDATE: a relay tick that finds 50 new rows makes two
statements, not 51.
"""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from summaries.models import Submission
from summaries.services.row_updates import column, db_value, update_returning

logger = logging.getLogger("summaries.publishing")


def publish(submission_id: int) -> bool:
    """Publish one message for the row; False on any broker trouble (the caller marks it unpublished)."""
    from summaries.tasks import process_submission

    try:
        # retry=False: one bounded attempt (connection and socket timeouts from settings);
        # with RabbitMQ's publisher confirms, the wait for the confirm is bounded the same way.
        process_submission.apply_async((submission_id,), retry=False, confirm_timeout=settings.PUBLISH_TIMEOUT_SECONDS)
    except Exception as exc:  # noqa: BLE001 - any broker failure means "not published"
        logger.warning("submission=%s publish failed, left for a later try: %s", submission_id, type(exc).__name__)
        return False
    return True


def mark_enqueued(rows: list[tuple[int, object]]) -> list[int]:
    """Take the right to publish rows, each (id, its enqueued_at as last read), in one UPDATE.

    Returns the ids taken, in the order given: a row another relay or sweep took first is left out.
    """
    if not rows:
        return []
    id_column, enqueued_column = column(Submission, "id"), column(Submission, "enqueued_at")
    ours = []
    condition_values = []
    for submission_id, previous in rows:
        if previous is None:
            ours.append(f"({id_column} = %s AND {enqueued_column} IS NULL)")
            condition_values.append(submission_id)
        else:
            ours.append(f"({id_column} = %s AND {enqueued_column} = %s)")
            condition_values += [submission_id, db_value(Submission, "enqueued_at", previous)]
    sql, params = update_returning(
        Submission,
        {"enqueued_at": timezone.now()},
        " OR ".join(ours),
        condition_values,
        returning=id_column,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        taken = {submission_id for (submission_id,) in cursor.fetchall()}
    return [submission_id for submission_id, _ in rows if submission_id in taken]


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
