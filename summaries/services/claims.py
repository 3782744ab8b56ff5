"""Claiming a submission row for one step, and recording where it went next.

A worker may only work on a row it has claimed with one conditional UPDATE: the row must be
waiting and due, or leased to a worker whose lease has run out. The claim writes a fresh
lease owner, and every later change is conditional on that owner, so a worker that was
presumed dead and comes back can never overwrite the work of the one that took over.

Each of these UPDATEs returns the row as it wrote it (UPDATE ... RETURNING, in SQLite 3.35+ and
PostgreSQL alike), written in SQL here because Django's update() returns only a count: the claim
read the row back with a second query, and building the two queries in the ORM took longer than
running them. Every job makes three such changes (bench/RESULTS.md, fifth session).
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from celery import current_task
from django.conf import settings
from django.db import connection, transaction
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


def _column(name: str) -> str:
    return connection.ops.quote_name(Submission._meta.get_field(name).column)


def _db_value(name: str, value):
    """A value as the database driver takes it for the field `name` (a datetime, on SQLite, as text)."""
    return Submission._meta.get_field(name).get_db_prep_save(value, connection)


# The row is waiting for this step and due, or its lease on this step has run out. Parameters:
# id, waiting, now, leased, now.
_CLAIMABLE = (
    f"{_column('id')} = %s AND (({_column('status')} = %s AND ({_column('next_attempt_at')} IS NULL"
    f" OR {_column('next_attempt_at')} <= %s)) OR ({_column('status')} = %s AND {_column('lease_until')} < %s))"
)
# The row is still in the step we claimed, under our lease. Parameters: id, lease owner, status.
_STILL_OURS = f"{_column('id')} = %s AND {_column('lease_owner')} = %s AND {_column('status')} = %s"


def _update_returning(condition: str, condition_values: list, values: dict, count_attempt: bool = False):
    """Write `values` to the submission row if `condition` holds; the row as written, or None."""
    assignments = [f"{_column(name)} = %s" for name in values]
    if count_attempt:
        assignments.append(f"{_column('attempts')} = {_column('attempts')} + 1")
    rows = list(
        Submission.objects.raw(
            f"UPDATE {connection.ops.quote_name(Submission._meta.db_table)} SET {', '.join(assignments)}"
            f" WHERE {condition} RETURNING *",
            [_db_value(name, value) for name, value in values.items()] + condition_values,
        )
    )
    return rows[0] if rows else None


def claim(submission_id: int, *, waiting: str, leased: str) -> Claim | None:
    """Take the row from `waiting` (when due) or from an expired `leased`, into `leased`."""
    now = timezone.now()
    lease = _lease(now)
    db_now = connection.ops.adapt_datetimefield_value(now)
    with transaction.atomic():
        submission = _update_returning(
            _CLAIMABLE,
            [submission_id, waiting, db_now, leased, db_now],
            {"status": leased, **lease},
            count_attempt=True,
        )
        if submission is None:
            return None
        record_event(submission_id, leased, f"attempt {submission.attempts}")
    return Claim(submission, lease["lease_owner"])


def _still_ours(claim_: Claim) -> list:
    return [claim_.submission.pk, claim_.owner, claim_.submission.status]


def finish(claim_: Claim, status: str, detail: str = "", **fields) -> bool:
    """Move a claimed row on to `status`, only if the claim is still ours."""
    now = timezone.now()
    with transaction.atomic():
        finished_row = _update_returning(
            _STILL_OURS,
            _still_ours(claim_),
            {"status": status, "lease_owner": "", "lease_until": None, "updated_at": now, **fields},
        )
        if finished_row is not None:
            record_event(claim_.submission.pk, status, detail)
    if finished_row is None:
        logger.warning("submission=%s lost its lease before reaching %s", claim_.submission.pk, status)
    return finished_row is not None


def hand_over(claim_: Claim, done: str, detail: str, *, leased: str, **fields) -> Claim | None:
    """Finish a claimed step at `done` and claim the next one, `leased`, in one transaction.

    The same as finish() followed by claim(), one conditional UPDATE instead of two: both state
    changes are recorded as events, and the next step starts on its first attempt (`fields` may
    not set attempts).
    """
    now = timezone.now()
    lease = _lease(now)
    # No savepoint when the caller has a transaction open (the render keeps its PDF in the same
    # one): an error here fails the caller's transaction as a whole anyway.
    with transaction.atomic(savepoint=False):
        leased_row = _update_returning(
            _STILL_OURS, _still_ours(claim_), {"status": leased, "attempts": 1, **lease, **fields}
        )
        if leased_row is not None:
            record_events(claim_.submission.pk, [(done, detail), (leased, "attempt 1")])
    if leased_row is None:
        logger.warning("submission=%s lost its lease before reaching %s", claim_.submission.pk, done)
        return None
    return Claim(leased_row, lease["lease_owner"])


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
