"""Claiming a submission row for one step, and recording where it went next.

A worker may only work on a row it has claimed with one conditional UPDATE: the row must be
waiting and due, or leased to a worker whose lease has run out. The claim writes a fresh
lease owner, and every later change is conditional on that owner, so a worker that was
presumed dead and comes back can never overwrite the work of the one that took over.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from celery import current_task
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from summaries.models import Submission, SubmissionEvent, SubmissionStatus
from summaries.security.redaction import redact_addresses

logger = logging.getLogger("summaries.state")


@dataclass(frozen=True)
class Claim:
    submission: Submission
    owner: str


def current_worker() -> str:
    """The node name of the Celery worker running this code, or "" outside a task."""
    return (current_task.request.hostname or "") if current_task else ""


def current_task_id() -> str:
    """The id of the Celery task running this code, or "-" outside a task."""
    return (current_task.request.id or "-") if current_task else "-"


def record_event(submission_id: int, status: str, detail: str = "") -> None:
    record_events(submission_id, [(status, detail)])


def record_events(submission_id: int, changes: list[tuple[str, str]]) -> None:
    """Record state changes, each a (status, detail), in order, with one INSERT."""
    worker = current_worker()
    SubmissionEvent.objects.bulk_create(
        [
            SubmissionEvent(submission_id=submission_id, status=status, detail=detail, worker=worker)
            for status, detail in changes
        ]
    )
    for status, detail in changes:
        # One line per state change, with ids only: no personal data in logs. A mail server's
        # answer may quote the address, so addresses are redacted in the logged detail.
        logger.info(
            "submission=%s task=%s status=%s worker=%s %s",
            submission_id,
            current_task_id(),
            status,
            worker or "-",
            redact_addresses(detail),
        )


def _lease(now) -> dict:
    """The fields a fresh claim writes; the message that woke us is spent, the lease covers the row."""
    return {
        "lease_owner": uuid.uuid4().hex,
        "lease_until": now + timedelta(seconds=settings.SUBMISSION_LEASE_SECONDS),
        "next_attempt_at": None,
        "enqueued_at": None,
        "updated_at": now,
    }


def claim(submission_id: int, *, waiting: str, leased: str) -> Claim | None:
    """Take the row from `waiting` (when due) or from an expired `leased`, into `leased`."""
    now = timezone.now()
    lease = _lease(now)
    due = Q(status=waiting) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    abandoned = Q(status=leased, lease_until__lt=now)
    with transaction.atomic():
        won = Submission.objects.filter(Q(pk=submission_id) & (due | abandoned)).update(
            status=leased, attempts=F("attempts") + 1, **lease
        )
        if not won:
            return None
        submission = Submission.objects.get(pk=submission_id)
        record_event(submission_id, leased, f"attempt {submission.attempts}")
    return Claim(submission, lease["lease_owner"])


def finish(claim_: Claim, status: str, detail: str = "", **fields) -> bool:
    """Move a claimed row on to `status`, only if the claim is still ours."""
    now = timezone.now()
    with transaction.atomic():
        done = Submission.objects.filter(
            pk=claim_.submission.pk, lease_owner=claim_.owner, status=claim_.submission.status
        ).update(status=status, lease_owner="", lease_until=None, updated_at=now, **fields)
        if done:
            record_event(claim_.submission.pk, status, detail)
    if not done:
        logger.warning("submission=%s lost its lease before reaching %s", claim_.submission.pk, status)
    return bool(done)


def hand_over(claim_: Claim, done: str, detail: str, *, leased: str, **fields) -> Claim | None:
    """Finish a claimed step at `done` and claim the next one, `leased`, in one transaction.

    The same as finish() followed by claim(), one conditional UPDATE instead of two and no
    re-read of the row: both state changes are recorded as events, and the next step starts
    on its first attempt (`fields` may not set attempts).
    """
    now = timezone.now()
    lease = _lease(now)
    submission = claim_.submission
    # No savepoint when the caller has a transaction open (the render keeps its PDF in the same
    # one): an error here fails the caller's transaction as a whole anyway.
    with transaction.atomic(savepoint=False):
        done_and_leased = Submission.objects.filter(
            pk=submission.pk, lease_owner=claim_.owner, status=submission.status
        ).update(status=leased, attempts=1, **lease, **fields)
        if done_and_leased:
            record_events(submission.pk, [(done, detail), (leased, "attempt 1")])
    if not done_and_leased:
        logger.warning("submission=%s lost its lease before reaching %s", submission.pk, done)
        return None
    # The row is now exactly what was written: update our copy instead of reading it back.
    for name, value in {"status": leased, "attempts": 1, **lease, **fields}.items():
        setattr(submission, name, value)
    return Claim(submission, lease["lease_owner"])


def reopen_failed(queryset) -> list[int]:
    """Give failed submissions a fresh set of attempts; returns their ids.

    As at intake, no message is published here: the workers' relay publishes them (services/sweep.py).
    """
    reopened = []
    for submission in queryset.filter(status=SubmissionStatus.FAILED).order_by("pk"):
        # A failed send keeps its PDF: retry only what is missing.
        waiting = SubmissionStatus.RENDERED if submission.pdf else SubmissionStatus.RECEIVED
        now = timezone.now()
        if submission.confirmation_token and not submission.confirmed_at:
            waiting = SubmissionStatus.CONFIRM_QUEUED
        with transaction.atomic():
            if Submission.objects.filter(pk=submission.pk, status=SubmissionStatus.FAILED).update(
                status=waiting, attempts=0, next_attempt_at=None, enqueued_at=None, updated_at=now
            ):
                record_event(submission.pk, waiting, "retry requested")
                reopened.append(submission.pk)
    return reopened
