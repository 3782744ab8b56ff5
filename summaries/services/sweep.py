"""The sweep: publishing again every submission that stopped moving.

Beat runs it every SWEEP_INTERVAL_SECONDS. It is what makes a lost message harmless: a row whose
message has been out longer than SUBMISSION_REQUEUE_AFTER_SECONDS (the broker lost it), or whose
worker died and whose lease ran out, or that no relay got to, is published again. Several
sweeps may run at once: each row is taken before it is published (services/publishing.py), so
only one of them publishes it.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.functions import Now

from summaries.models import LEASED_STATUSES, Submission, due
from summaries.services.database_clock import ago
from summaries.services.publishing import publish_each

BATCH_SIZE = 500


def stalled_submissions(*, now: datetime | None = None) -> QuerySet:
    """Judged by the database's clock (services/database_clock.py), or at `now` when given."""
    requeue_after = settings.SUBMISSION_REQUEUE_AFTER_SECONDS
    message_lost_before = now - timedelta(seconds=requeue_after) if now else ago(requeue_after)
    now = now or Now()
    abandoned = Q(status__in=LEASED_STATUSES, lease_until__lt=now)
    no_live_message = Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=message_lost_before)
    return Submission.objects.filter((due(now) | abandoned) & no_live_message).order_by("created_at")


def sweep_stalled_submissions() -> int:
    """Publish each stalled row once; returns how many were published."""
    published, _ = publish_each(stalled_submissions(), limit=BATCH_SIZE)
    return published
