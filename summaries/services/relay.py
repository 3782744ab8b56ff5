"""The relay: publishing the submissions committed since the last look.

The web never publishes to the broker: a submit commits its row with no message out
(`enqueued_at` empty), and every worker's relay (summaries/worker_relay.py, on the worker's
timer every RELAY_INTERVAL_SECONDS) publishes it a moment later. New rows, confirmed addresses,
failed ones reopened and retries whose time has come all wait the same way.
"""

from datetime import datetime

from django.db.models import QuerySet
from django.db.models.functions import Now

from summaries.models import Submission, due
from summaries.services.publishing import publish_each

# Small, so that a relay tick holds the worker's timer (and its heartbeat) only briefly.
RELAY_BATCH_SIZE = 50


def unpublished_submissions(*, now: datetime | None = None) -> QuerySet:
    """Rows waiting for a worker, due (by the database's clock, or at `now`), with no message out, oldest first."""
    return Submission.objects.filter(due(now or Now()), enqueued_at__isnull=True).order_by("created_at")


def publish_new_submissions() -> tuple[int, bool]:
    """One relay tick; returns how many rows were published, and False when the broker refused one."""
    return publish_each(unpublished_submissions(), limit=RELAY_BATCH_SIZE)
