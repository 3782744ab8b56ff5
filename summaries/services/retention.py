"""Forgetting people: answers, history and PDFs are deleted RETENTION_DAYS after submission.

Run hourly by Celery beat (see CELERY_BEAT_SCHEDULE), which also deletes the rate-limit counts
whose window is over. Submissions are deleted in small batches, each its own short transaction,
so a large backlog never holds a lock for long. A row still being worked on after that long is
long past any retry, so age alone decides.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from summaries.models import RateLimitCount, StoredFile, Submission

logger = logging.getLogger("summaries.retention")

BATCH_SIZE = 500


def retention_cutoff():
    return timezone.now() - timedelta(days=settings.RETENTION_DAYS)


def delete_expired_rate_limit_counts() -> int:
    """Counts past their window (security/rate_limits.py) only take up room, whatever RETENTION_DAYS says."""
    deleted, _ = RateLimitCount.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted


def delete_expired_submissions() -> int:
    """Delete every submission (with its events and PDF) older than the cutoff; returns how many."""
    delete_expired_rate_limit_counts()
    if not settings.RETENTION_DAYS:
        return 0
    cutoff = retention_cutoff()
    deleted = 0
    while True:
        with transaction.atomic():
            batch = list(Submission.objects.filter(created_at__lt=cutoff).values_list("pk", "pdf")[:BATCH_SIZE])
            if not batch:
                break
            StoredFile.objects.filter(name__in=[pdf for _, pdf in batch if pdf]).delete()
            Submission.objects.filter(pk__in=[pk for pk, _ in batch]).delete()
        deleted += len(batch)
    # PDFs whose row is gone some other way (an admin delete) are caught by their own age.
    StoredFile.objects.filter(name__startswith="summaries/", created_at__lt=cutoff).delete()
    if deleted:
        logger.info("retention deleted %s submissions older than %s days", deleted, settings.RETENTION_DAYS)
    return deleted
