"""Claiming a submission row for one step, and recording where it went next.

A worker may only work on a row it has claimed with one conditional UPDATE: the row must be
waiting and due, or leased to a worker whose lease has run out. The claim writes a fresh
lease owner, and every later change is conditional on that owner, so a worker that was
presumed dead and comes back can never overwrite the work of the one that took over.

Every change is one short transaction: the conditional UPDATE and the events that record it. Inside
a caller's transaction (the hand-over keeps the PDF in the same one) it takes no savepoint: an error
fails the whole of it.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import current_task
from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
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


def record_event(submission_id: int, *, status: str, detail: str = "") -> None:
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


def _fresh_lease(now: datetime) -> dict:
    """The fields a claim writes; the message that woke us is spent, the lease covers the row."""
    return {
        "lease_owner": uuid.uuid4().hex,
        "lease_until": now + timedelta(seconds=settings.SUBMISSION_LEASE_SECONDS),
        "next_attempt_at": None,
        "enqueued_at": None,
        "updated_at": now,
    }


def _claim_statement(submission_id: int, *, waiting: str, leased: str, values: dict) -> tuple[str, list]:
    """UPDATE ... RETURNING: take the row if it waits for this step and is due, or its lease on it ran out."""
    quote, meta = connection.ops.quote_name, Submission._meta

    def column(name: str) -> str:
        return quote(meta.get_field(name).column)

    def db_value(name: str, value) -> object:
        return meta.get_field(name).get_db_prep_save(value, connection)

    now = db_value("updated_at", values["updated_at"])
    assignments = [f"{column(name)} = %s" for name in values] + [f"{column('attempts')} = {column('attempts')} + 1"]
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)}"
        f" WHERE {column('id')} = %s AND ("
        f"({column('status')} = %s AND ({column('next_attempt_at')} IS NULL OR {column('next_attempt_at')} <= %s))"
        f" OR ({column('status')} = %s AND {column('lease_until')} < %s)"
        f") RETURNING *"
    )
    params = [db_value(name, value) for name, value in values.items()] + [submission_id, waiting, now, leased, now]
    return sql, params


def claim(submission_id: int, *, waiting: str, leased: str) -> Claim | None:
    """Take the row from `waiting` (when due) or from an expired `leased`, into `leased`; None if not ours.

    One conditional UPDATE that returns the row as it wrote it (UPDATE ... RETURNING, SQLite 3.35+
    and PostgreSQL): the claim and the read of the answers to work on are one statement, and of
    several workers racing for the row exactly one gets it back.
    """
    values = {"status": leased, **_fresh_lease(timezone.now())}
    sql, params = _claim_statement(submission_id, waiting=waiting, leased=leased, values=values)
    with transaction.atomic(savepoint=False):
        # At most one row: the condition names the primary key.
        claimed = list(Submission.objects.raw(sql, params))
        if not claimed:
            return None
        [submission] = claimed
        record_event(submission.pk, status=leased, detail=f"attempt {submission.attempts}")
    return Claim(submission, values["lease_owner"])


def _still_ours(claim: Claim) -> QuerySet:
    """The claimed row, while it is still in the step we claimed, under our lease."""
    return Submission.objects.filter(pk=claim.submission.pk, lease_owner=claim.owner, status=claim.submission.status)


def finish(claim: Claim, *, to: str, detail: str = "", **fields) -> bool:
    """Move a claimed row on to `to`, writing `fields` too, only if the claim is still ours."""
    values = {"status": to, "lease_owner": "", "lease_until": None, "updated_at": timezone.now(), **fields}
    with transaction.atomic(savepoint=False):
        finished = _still_ours(claim).update(**values) == 1
        if finished:
            record_event(claim.submission.pk, status=to, detail=detail)
    if not finished:
        logger.warning("submission=%s lost its lease before reaching %s", claim.submission.pk, to)
    return finished


def hand_over(claim: Claim, *, done: str, then: str, detail: str = "", **fields) -> Claim | None:
    """Finish a claimed step at `done` and claim the next one, `then`, in one change.

    The same as finish() followed by claim(), in one conditional UPDATE: both state changes are
    recorded, and the next step starts on its first attempt. None if the claim was lost.
    """
    values = {"status": then, "attempts": 1, **_fresh_lease(timezone.now()), **fields}
    with transaction.atomic(savepoint=False):
        handed_over = _still_ours(claim).update(**values) == 1
        if handed_over:
            record_events(claim.submission.pk, [(done, detail), (then, "attempt 1")])
    if not handed_over:
        logger.warning("submission=%s lost its lease before reaching %s", claim.submission.pk, done)
        return None
    submission = claim.submission
    for name, value in values.items():
        setattr(submission, name, value)
    return Claim(submission, values["lease_owner"])


def reopen_failed(queryset: QuerySet) -> list[int]:
    """Give failed submissions a fresh set of attempts; returns their ids.

    As at intake, no message is published here: the workers' relay publishes them (services/relay.py).
    """
    reopened = []
    for submission in queryset.filter(status=SubmissionStatus.FAILED).order_by("pk"):
        # A failed send keeps its PDF: retry only what is missing.
        waiting = SubmissionStatus.RENDERED if submission.pdf else SubmissionStatus.RECEIVED
        if submission.confirmation_token and not submission.confirmed_at:
            waiting = SubmissionStatus.CONFIRM_QUEUED
        with transaction.atomic():
            if Submission.objects.filter(pk=submission.pk, status=SubmissionStatus.FAILED).update(
                status=waiting, attempts=0, next_attempt_at=None, enqueued_at=None, updated_at=timezone.now()
            ):
                record_event(submission.pk, status=waiting, detail="retry requested")
                reopened.append(submission.pk)
    return reopened
