"""Claiming a submission row for one step, and recording where it went next.

A worker may only work on a row it has claimed with one conditional UPDATE: the row must be
waiting and due, or leased to a worker whose lease has run out. The claim writes a fresh
lease owner, and every later change is conditional on that owner, so a worker that was
presumed dead and comes back can never overwrite the work of the one that took over.

Each of these UPDATEs returns the row as it wrote it (services/row_updates.py), and on
PostgreSQL the same statement also records the change's events. Every job makes three such
changes (bench/RESULTS.md, fifth and sixth sessions).
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
from summaries.services.row_updates import column, db_value, first_row_as, table, update_returning

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
    _log_changes(submission_id, changes, worker)


def _log_changes(submission_id: int, changes: list[tuple[str, str]], worker: str) -> None:
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
    return column(Submission, name)


# The row is waiting for this step and due, or its lease on this step has run out. Parameters:
# id, waiting, now, leased, now.
_CLAIMABLE = (
    f"{_column('id')} = %s AND (({_column('status')} = %s AND ({_column('next_attempt_at')} IS NULL"
    f" OR {_column('next_attempt_at')} <= %s)) OR ({_column('status')} = %s AND {_column('lease_until')} < %s))"
)
# The row is still in the step we claimed, under our lease. Parameters: id, lease owner, status.
_STILL_OURS = f"{_column('id')} = %s AND {_column('lease_owner')} = %s AND {_column('status')} = %s"

# An event's detail that reads "attempt <n>", n being the row's attempt count as the same change
# wrote it: a claim counts the attempt in the database, so only the database knows n beforehand.
_ATTEMPT = None

# Turns synchronous_commit off for the statement's own transaction (set_config(..., true) is SET
# LOCAL), so that its commit does not wait for the write-ahead log to reach the disk. The setting
# ends with the transaction: the connection's next commit waits again, and writes this one's log
# to disk with its own. Evaluated once for each row the statement changed.
_NOT_WAITING_FOR_THE_DISK = " WHERE set_config('synchronous_commit', 'off', true) IS NOT NULL"


def _insert_events_for_changed(changes: list[tuple[str, str | None]], now, worker: str) -> tuple[str, list]:
    """INSERT the events for the row that the `changed` query returned, in order (PostgreSQL)."""
    events = ", ".join(f"({position}, %s, %s)" for position in range(len(changes)))
    columns = ", ".join(column(SubmissionEvent, name) for name in ("submission", "at", "status", "detail", "worker"))
    sql = (
        f"INSERT INTO {table(SubmissionEvent)} ({columns})"
        f" SELECT changed.{_column('id')}, %s, event.status,"
        f" COALESCE(event.detail, 'attempt ' || changed.{_column('attempts')}), %s"
        f" FROM changed, (VALUES {events}) AS event(position, status, detail) ORDER BY event.position"
    )
    return sql, [db_value(SubmissionEvent, "at", now), worker] + [value for change in changes for value in change]


def _change_row(
    condition: str,
    condition_values: list,
    values: dict,
    changes: list[tuple[str, str | None]],
    *,
    count_attempt=False,
    along_with: tuple[str, list] | None = None,
    durable=True,
) -> Submission | None:
    """Write `values` to the row if `condition` holds and record `changes` as its events; the row as written, or None.

    On PostgreSQL this is one statement (a data-modifying WITH), which is its own transaction:
    one round trip instead of four (BEGIN, UPDATE, INSERT, COMMIT) for every state change, three
    of them in every job (bench/RESULTS.md, sixth session). SQLite has no data-modifying WITH: there
    it is the same UPDATE, then the INSERT, in one transaction. An error in either fails a
    caller's transaction as a whole, so neither takes a savepoint.

    `along_with`, the SQL and parameters of one more INSERT, UPDATE or DELETE, is written in the same
    statement (on SQLite, the same transaction), whether or not the row changes.

    `durable=False`: on PostgreSQL, this commit does not wait for the disk (synchronous_commit off
    for this transaction only). Only for a change that may be lost in a database crash at no cost
    (the claim before a render); see claim().
    """
    update_sql, update_params = update_returning(
        Submission, values, condition, condition_values, increment=("attempts",) if count_attempt else ()
    )
    along_sql, along_params = along_with or ("", [])
    if connection.vendor == "postgresql":
        worker = current_worker()
        insert_sql, insert_params = _insert_events_for_changed(changes, timezone.now(), worker)
        row = first_row_as(
            Submission,
            f"WITH {f'kept AS ({along_sql}), ' if along_sql else ''}"
            f"changed AS ({update_sql}), logged AS ({insert_sql}) SELECT * FROM changed"
            f"{'' if durable else _NOT_WAITING_FOR_THE_DISK}",
            along_params + update_params + insert_params,
        )
        if row is not None:
            _log_changes(row.pk, _spelled_out(changes, row), worker)
        return row
    with transaction.atomic(savepoint=False):
        if along_sql:
            with connection.cursor() as cursor:
                cursor.execute(along_sql, along_params)
        row = first_row_as(Submission, update_sql, update_params)
        if row is not None:
            record_events(row.pk, _spelled_out(changes, row))
    return row


def _spelled_out(changes: list[tuple[str, str | None]], row: Submission) -> list[tuple[str, str]]:
    return [(status, f"attempt {row.attempts}" if detail is _ATTEMPT else detail) for status, detail in changes]


def claim(submission_id: int, *, waiting: str, leased: str, durable: bool = True) -> Claim | None:
    """Take the row from `waiting` (when due) or from an expired `leased`, into `leased`.

    `durable=False` (PostgreSQL; SQLite's commits are never made to wait for the disk here) is
    for a claim that nothing outside the database acts on before the next durable change of the
    same row: a database crash that loses it only puts the row back where the sweep finds it.
    """
    now = timezone.now()
    lease = _lease(now)
    db_now = connection.ops.adapt_datetimefield_value(now)
    submission = _change_row(
        _CLAIMABLE,
        [submission_id, waiting, db_now, leased, db_now],
        {"status": leased, **lease},
        [(leased, _ATTEMPT)],
        count_attempt=True,
        durable=durable,
    )
    return None if submission is None else Claim(submission, lease["lease_owner"])


def _still_ours(claim_: Claim) -> list:
    return [claim_.submission.pk, claim_.owner, claim_.submission.status]


def finish(claim_: Claim, status: str, detail: str = "", **fields) -> bool:
    """Move a claimed row on to `status`, only if the claim is still ours."""
    finished_row = _change_row(
        _STILL_OURS,
        _still_ours(claim_),
        {"status": status, "lease_owner": "", "lease_until": None, "updated_at": timezone.now(), **fields},
        [(status, detail)],
    )
    if finished_row is None:
        logger.warning("submission=%s lost its lease before reaching %s", claim_.submission.pk, status)
    return finished_row is not None


def hand_over(
    claim_: Claim, done: str, detail: str, *, leased: str, along_with: tuple[str, list] | None = None, **fields
) -> Claim | None:
    """Finish a claimed step at `done` and claim the next one, `leased`, in one change.

    The same as finish() followed by claim(), one conditional UPDATE instead of two: both state
    changes are recorded as events, and the next step starts on its first attempt (`fields` may
    not set attempts). `along_with` is written with it (the rendered PDF; see _change_row()).
    """
    lease = _lease(timezone.now())
    leased_row = _change_row(
        _STILL_OURS,
        _still_ours(claim_),
        {"status": leased, "attempts": 1, **lease, **fields},
        [(done, detail), (leased, _ATTEMPT)],
        along_with=along_with,
    )
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
