"""The periodic sweep: publish again every row that stopped moving.

This is what makes a lost message harmless. A row is stalled when it is waiting and due with
no message out for it (its publish failed, or it was scheduled for a retry), when its message
has been out longer than SUBMISSION_REQUEUE_AFTER_SECONDS (the broker lost it), or when the
worker holding it died and its lease ran out. Several sweeps may run at once:
each row is taken with a conditional update before it is published, so only one publishes it.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from summaries.models import LEASED_STATUSES, WAITING_STATUSES, Submission
from summaries.services.publishing import mark_enqueued, publish

BATCH_SIZE = 500


def stalled_submissions(now=None):
    now = now or timezone.now()
    due = Q(status__in=WAITING_STATUSES) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    abandoned = Q(status__in=LEASED_STATUSES, lease_until__lt=now)
    no_live_message = Q(enqueued_at__isnull=True) | Q(
        enqueued_at__lt=now - timedelta(seconds=settings.SUBMISSION_REQUEUE_AFTER_SECONDS)
    )
    return Submission.objects.filter((due | abandoned) & no_live_message).order_by("created_at")


def sweep_stalled_submissions() -> int:
    """Publish each stalled row once; returns how many were published."""
    published = 0
    for submission_id, enqueued_at in stalled_submissions().values_list("pk", "enqueued_at")[:BATCH_SIZE]:
        if mark_enqueued(submission_id, enqueued_at) and publish(submission_id):
            published += 1
    return published
