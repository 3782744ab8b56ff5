"""Forgetting people: PDFs go PDF_RETENTION_DAYS after submission, answers and history RETENTION_DAYS after.

Run hourly by Celery beat (see CELERY_BEAT_SCHEDULE), which also deletes the rate-limit counts
whose window is over. Rows are taken in small batches, oldest first through an index, each batch
its own short transaction, with a pause between batches: a submit waiting for the database (on
SQLite, for its one write lock) gets in between two batches, however large the backlog. Files
are deleted through the storage once the rows that named them are committed, so no row ever
names a file that is gone. A row still being worked on after that long is long past any retry,
so age alone decides, except that a PDF still waiting to be sent is kept until its answers go.
"""

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone

from summaries.models import ACTIVE_STATUSES, RateLimitCount, StoredFile, Submission

logger = logging.getLogger("summaries.retention")

# Small, because on SQLite a submit waits for the batch in hand: at 500 rows (with their PDFs) a
# submit's p99 grew to several times its usual during a large purge.
BATCH_SIZE = 100
# Longer than the longest sleep of SQLite's busy handler (100 ms), so a waiting writer wakes
# while the lock is free. A million expired rows a day is 10,000 batches: under an hour a day.
PAUSE_BETWEEN_BATCHES_SECONDS = 0.15


def retention_cutoff() -> datetime:
    return timezone.now() - timedelta(days=settings.RETENTION_DAYS)


def pdf_retention_cutoff() -> datetime:
    return timezone.now() - timedelta(days=settings.PDF_RETENTION_DAYS)


def pause_between_batches() -> None:
    time.sleep(PAUSE_BETWEEN_BATCHES_SECONDS)


def pdf_storage() -> Storage:
    return Submission._meta.get_field("pdf").storage


def delete_files(names: list[str]) -> None:
    storage = pdf_storage()
    # The database storage deletes a batch in one statement; any other storage, one by one.
    if hasattr(storage, "delete_many"):
        storage.delete_many(names)
        return
    for name in names:
        storage.delete(name)


def delete_expired_rate_limit_counts() -> int:
    """Counts past their window (security/rate_limits.py) only take up room, whatever RETENTION_DAYS says."""
    deleted, _ = RateLimitCount.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted


def remove_old_pdfs() -> int:
    """Delete the PDFs of finished submissions older than PDF_RETENTION_DAYS, noting when; returns how many."""
    if not settings.PDF_RETENTION_DAYS:
        return 0
    cutoff = pdf_retention_cutoff()
    # Through the index of kept PDFs: the rows whose PDF went earlier are never read again.
    kept = Submission.objects.exclude(pdf="").filter(created_at__lt=cutoff).exclude(status__in=ACTIVE_STATUSES)
    removed = 0
    while batch := list(kept.order_by("created_at").values_list("pk", flat=True)[:BATCH_SIZE]):
        with transaction.atomic():
            # Checked again under the row lock: an operator may have reopened one meanwhile.
            rows = list(kept.filter(pk__in=batch).select_for_update().values_list("pk", "pdf"))
            Submission.objects.filter(pk__in=[pk for pk, _ in rows]).update(pdf="", pdf_removed_at=timezone.now())
        delete_files([name for _, name in rows])
        removed += len(rows)
        if len(batch) == BATCH_SIZE:
            pause_between_batches()
    if removed:
        logger.info("retention removed %s PDFs older than %s days", removed, settings.PDF_RETENTION_DAYS)
    return removed


def delete_expired_submissions() -> int:
    """Delete every submission (with its events and PDF) older than the cutoff; returns how many."""
    delete_expired_rate_limit_counts()
    remove_old_pdfs()
    if not settings.RETENTION_DAYS:
        return 0
    cutoff = retention_cutoff()
    expired = Submission.objects.filter(created_at__lt=cutoff).order_by("created_at")
    deleted = 0
    while batch := list(expired.values_list("pk", "pdf")[:BATCH_SIZE]):
        with transaction.atomic():
            Submission.objects.filter(pk__in=[pk for pk, _ in batch]).delete()
        delete_files([name for _, name in batch if name])
        deleted += len(batch)
        if len(batch) == BATCH_SIZE:
            # More may follow: let a waiting writer in first.
            pause_between_batches()
    # PDFs whose row is gone some other way (an admin delete) are caught by their own age.
    StoredFile.objects.filter(name__startswith="summaries/", created_at__lt=cutoff).delete()
    if deleted:
        logger.info("retention deleted %s submissions older than %s days", deleted, settings.RETENTION_DAYS)
    return deleted
