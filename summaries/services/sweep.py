"""Publishing the rows that have no message out: the relay for new rows, and the periodic sweep.

The web never publishes to the broker: a submit commits its row with no message out, and the
relay (worker_relay.py, on every worker's timer) publishes it a moment later. The sweep
(beat, every SWEEP_INTERVAL_SECONDS) catches everything else that stopped moving, which is
what makes a lost message harmless: a row whose message has been out longer than
SUBMISSION_REQUEUE_AFTER_SECONDS (the broker lost it), or whose worker died and whose lease
ran out. Several relays and sweeps may run at once: each row is taken with a conditional
update before it is published, so only one of them publishes it.
"""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from summaries.models import LEASED_STATUSES, WAITING_STATUSES, Submission
from summaries.services.publishing import mark_enqueued, publish

BATCH_SIZE = 500
# Small, so that a relay tick holds the worker's timer (and its heartbeat) only briefly.
RELAY_BATCH_SIZE = 50


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
    published = 0
    for submission_id, enqueued_at in rows:
        if not mark_enqueued(submission_id, enqueued_at):
            continue  # another relay or sweep took it first
        if not publish(submission_id):
            # The broker is away: the rest would wait out the same timeout, one by one.
            return published, False
        published += 1
    return published, True


def publish_new_submissions() -> tuple[int, bool]:
    """One relay tick; returns how many rows were published, and False when the broker refused one."""
    return _publish_each(unpublished_submissions().values_list("pk", "enqueued_at")[:RELAY_BATCH_SIZE])


def sweep_stalled_submissions() -> int:
    """Publish each stalled row once; returns how many were published."""
    published, _ = _publish_each(stalled_submissions().values_list("pk", "enqueued_at")[:BATCH_SIZE])
    return published
