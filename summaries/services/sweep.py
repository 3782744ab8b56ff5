"""Publishing the rows that have no message out: the relay for new rows, and the periodic sweep.

The web never publishes to the broker: a submit commits its row with no message out, and the
relay (worker_relay.py, on every worker's timer) publishes it a moment later. The sweep
(beat, every SWEEP_INTERVAL_SECONDS) catches everything else that stopped moving, which is
what makes a lost message harmless: a row whose message has been out longer than
SUBMISSION_REQUEUE_AFTER_SECONDS (the broker lost it), or whose worker died and whose lease
ran out. Several relays and sweeps may run at once: each row is taken with a conditional
update before it is published, so only one of them publishes it.
"""

import functools
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Q
from django.utils import timezone

from summaries.models import LEASED_STATUSES, WAITING_STATUSES, Submission
from summaries.services.publishing import mark_enqueued, mark_unpublished, publish

BATCH_SIZE = 500
# Small, so that a relay tick holds the worker's timer (and its heartbeat) only briefly.
RELAY_BATCH_SIZE = 50
# Stands for "now" in the relay's query compiled once (_relay_query); any fixed time would do.
_PLACEHOLDER_TIME = datetime(2000, 1, 1, tzinfo=UTC)


def _due(now) -> Q:
    return Q(status__in=WAITING_STATUSES) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def unpublished_submissions(now=None):
    """Rows waiting for a worker, due, with no message out: new ones, and retries whose time has come."""
    return Submission.objects.filter(_due(now or timezone.now()), enqueued_at__isnull=True).order_by("created_at")


def stalled_submissions(now=None):
    now = now or timezone.now()
    abandoned = Q(status__in=LEASED_STATUSES, lease_until__lt=now)
    no_live_message = Q(enqueued_at__isnull=True) | Q(
        enqueued_at__lt=now - timedelta(seconds=settings.SUBMISSION_REQUEUE_AFTER_SECONDS)
    )
    return Submission.objects.filter((_due(now) | abandoned) & no_live_message).order_by("created_at")


def _publish_each(rows: Iterable[tuple[int, object]]) -> tuple[int, bool]:
    """Take and publish each (id, enqueued_at); returns how many went out, and whether the broker took them all."""
    # Rows another relay or sweep took first are left out.
    taken = mark_enqueued(list(rows))
    for published, submission_id in enumerate(taken):
        if not publish(submission_id):
            # The broker is away: the rest would wait out the same timeout, one by one.
            mark_unpublished(taken[published:])
            return published, False
    return len(taken), True


@functools.cache
def _relay_query(alias: str) -> tuple[str, tuple, int]:
    """The relay's query as SQL, and where in its parameters the current time goes.

    Compiled from unpublished_submissions() once per process: building and compiling it costs
    ten times what running it does when nothing is waiting, and the relay runs it 20 times a
    second in every worker (bench/RESULTS.md).
    """
    query = unpublished_submissions(_PLACEHOLDER_TIME).values_list("pk", "enqueued_at")[:RELAY_BATCH_SIZE].query
    sql, params = query.get_compiler(alias).as_sql()
    return sql, tuple(params), params.index(connections[alias].ops.adapt_datetimefield_value(_PLACEHOLDER_TIME))


def _unpublished_rows() -> list[tuple[int, object]]:
    sql, params, time_at = _relay_query(DEFAULT_DB_ALIAS)
    params = list(params)
    params[time_at] = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def publish_new_submissions() -> tuple[int, bool]:
    """One relay tick; returns how many rows were published, and False when the broker refused one."""
    return _publish_each(_unpublished_rows())


def sweep_stalled_submissions() -> int:
    """Publish each stalled row once; returns how many were published."""
    published, _ = _publish_each(stalled_submissions().values_list("pk", "enqueued_at")[:BATCH_SIZE])
    return published
