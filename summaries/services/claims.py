"""Claiming a submission row for one step, and recording where it went next.

A worker may only work on a row it has claimed with one conditional UPDATE: the row must be
waiting and due, or leased to a worker whose lease has run out. The claim writes a fresh
lease owner, and every later change is conditional on that owner, so a worker that was
presumed dead and comes back can never overwrite the work of the one that took over.

Every change is one short transaction: the conditional UPDATE and the events that record it
(_change_row). The hand-over runs inside its caller's transaction, which keeps the PDF too.
"""

import logging
import uuid
from dataclasses import dataclass
from functools import partial

from celery import current_task
from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from summaries.models import Submission, SubmissionEvent, SubmissionStatus
from summaries.observability import metrics
from summaries.security.redaction import redact_addresses
from summaries.services.database_clock import DatabaseTime, database_time, now_sql

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
    _log_changes(submission_id, changes, worker)


def _log_changes(submission_id: int, changes: list[tuple[str, str]], worker: str) -> None:
    for status, detail in changes:
        metrics.count_state_change(status)
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


def _fresh_lease() -> dict:
    """The fields a claim writes; the message that woke us is spent, the lease covers the row.

    The lease runs out by the database's clock, whatever this host's says (services/database_clock.py).
    """
    return {
        "lease_owner": uuid.uuid4().hex,
        "lease_until": database_time(plus_seconds=settings.SUBMISSION_LEASE_SECONDS),
        "next_attempt_at": None,
        "enqueued_at": None,
        "updated_at": database_time(),
    }


def _column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _db_value(model, name: str, value) -> object:
    return model._meta.get_field(name).get_db_prep_save(value, connection)


def _change_row(
    condition: str, condition_params: list, *, values: dict, events: list[tuple[str, str | None]], count_attempt=False
) -> Submission | None:
    """Write `values` to the row where `condition` holds, and record `events`; the row as written, or None.

    An event's detail None reads "attempt <n>", n being the attempt count this change wrote. The
    row is changed with one conditional UPDATE ... RETURNING (SQLite 3.35+ and PostgreSQL), read
    back with raw(): of several workers racing for a row, exactly one gets it back.

    On PostgreSQL the UPDATE and the events' INSERT are one statement (a data-modifying WITH), its
    own transaction: one round trip instead of four (BEGIN, UPDATE, INSERT, COMMIT) for each of a
    job's three changes. Without it, throughput on PostgreSQL fell below its goal (bench/RESULTS.md).
    SQLite has no data-modifying WITH: there the two statements share one transaction. Inside a
    caller's transaction neither takes a savepoint: an error fails the whole of it.
    """
    table, column = connection.ops.quote_name(Submission._meta.db_table), partial(_column, Submission)
    assignments, params = [], []
    for name, value in values.items():
        if isinstance(value, DatabaseTime):
            assignments.append(f"{column(name)} = {value.sql}")
            params.extend(value.params)
        else:
            assignments.append(f"{column(name)} = %s")
            params.append(_db_value(Submission, name, value))
    if count_attempt:
        assignments.append(f"{column('attempts')} = {column('attempts')} + 1")
    update = f"UPDATE {table} SET {', '.join(assignments)} WHERE {condition} RETURNING *"
    params += condition_params
    if connection.vendor == "postgresql":
        worker = current_worker()
        logged, logged_params = _insert_events_of_changed(events, worker=worker)
        rows = list(
            Submission.objects.raw(
                f"WITH changed AS ({update}), logged AS ({logged}) SELECT * FROM changed", params + logged_params
            )
        )
        if rows:
            _log_changes(rows[0].pk, _spelled_out(events, rows[0]), worker)
    else:
        with transaction.atomic(savepoint=False):
            rows = list(Submission.objects.raw(update, params))
            if rows:
                record_events(rows[0].pk, _spelled_out(events, rows[0]))
    # At most one row: every condition names the primary key.
    return rows[0] if rows else None


def _insert_events_of_changed(events: list[tuple[str, str | None]], *, worker: str) -> tuple[str, list]:
    """The INSERT of the events of the row the `changed` part of the statement returned, in order."""
    column = partial(_column, SubmissionEvent)
    columns = ", ".join(column(name) for name in ("submission", "at", "status", "detail", "worker"))
    rows = ", ".join(f"({position}, %s, %s)" for position in range(len(events)))
    sql = (
        f"INSERT INTO {connection.ops.quote_name(SubmissionEvent._meta.db_table)} ({columns})"
        f" SELECT changed.{_column(Submission, 'id')}, %s, event.status,"
        f" COALESCE(event.detail, 'attempt ' || changed.{_column(Submission, 'attempts')}), %s"
        f" FROM changed, (VALUES {rows}) AS event(position, status, detail) ORDER BY event.position"
    )
    at = _db_value(SubmissionEvent, "at", timezone.now())
    return sql, [at, worker] + [value for event in events for value in event]


def _spelled_out(events: list[tuple[str, str | None]], row: Submission) -> list[tuple[str, str]]:
    return [(status, f"attempt {row.attempts}" if detail is None else detail) for status, detail in events]


def claim(submission_id: int, *, waiting: str, leased: str) -> Claim | None:
    """Take the row from `waiting` (when due) or from an expired `leased`, into `leased`; None if not ours.

    "Due" and "expired" are judged by the database's clock, so a host whose own clock is off can
    neither take a live lease nor leave a dead one waiting past its end.
    """
    values = {"status": leased, **_fresh_lease()}
    column, now = partial(_column, Submission), now_sql()
    claimable = (
        f"{column('id')} = %s AND ("
        f"({column('status')} = %s AND ({column('next_attempt_at')} IS NULL OR {column('next_attempt_at')} <= {now}))"
        f" OR ({column('status')} = %s AND {column('lease_until')} < {now}))"
    )
    submission = _change_row(
        claimable,
        [submission_id, waiting, leased],
        values=values,
        events=[(leased, None)],
        count_attempt=True,
    )
    return None if submission is None else Claim(submission, values["lease_owner"])


def _still_ours(claim: Claim) -> tuple[str, list]:
    """The condition that the claimed row is still in the step we claimed, under our lease."""
    column = partial(_column, Submission)
    condition = f"{column('id')} = %s AND {column('lease_owner')} = %s AND {column('status')} = %s"
    return condition, [claim.submission.pk, claim.owner, claim.submission.status]


def finish(claim: Claim, *, to: str, detail: str = "", **fields) -> bool:
    """Move a claimed row on to `to`, writing `fields` too, only if the claim is still ours."""
    values = {"status": to, "lease_owner": "", "lease_until": None, "updated_at": database_time(), **fields}
    finished = _change_row(*_still_ours(claim), values=values, events=[(to, detail)]) is not None
    if not finished:
        logger.warning("submission=%s lost its lease before reaching %s", claim.submission.pk, to)
    return finished


def hand_over(claim: Claim, *, done: str, then: str, detail: str = "", **fields) -> Claim | None:
    """Finish a claimed step at `done` and claim the next one, `then`, in one change.

    The same as finish() followed by claim(), in one conditional UPDATE: both state changes are
    recorded, and the next step starts on its first attempt. None if the claim was lost.
    """
    values = {"status": then, "attempts": 1, **_fresh_lease(), **fields}
    submission = _change_row(*_still_ours(claim), values=values, events=[(done, detail), (then, None)])
    if submission is None:
        logger.warning("submission=%s lost its lease before reaching %s", claim.submission.pk, done)
        return None
    return Claim(submission, values["lease_owner"])


def still_claimed(claim: Claim) -> bool:
    """Whether the row is still in the step we claimed, under our lease (not erased, not taken over).

    The same condition as every change a claim makes, in SQL written once: the ORM's query
    building cost ten times the query itself, once per job.
    """
    condition, params = _still_ours(claim)
    table = connection.ops.quote_name(Submission._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE {condition}", params)
        return cursor.fetchone() is not None


# What erasing a row writes: nothing of the person is left, and no worker holds or wants it.
ERASED_VALUES = {
    **{field: "" for field in ("email", "name", "about", "hobby", "color", "saying", "dream_job", "last_error")},
    "pdf": "",
    "confirmation_token": None,
    "status": SubmissionStatus.ERASED,
    "lease_owner": "",
    "lease_until": None,
    "next_attempt_at": None,
    "enqueued_at": None,
}


def erase(submission_id: int, *, detail: str) -> Submission | None:
    """Move the row, from any state, to erased, clearing its answers; the row as written, or None if already erased.

    Unconditional on the lease: a worker holding the row loses it, so every change it tries next
    (finish, hand_over) finds the row gone from its step and writes nothing.
    """
    column = partial(_column, Submission)
    condition = f"{column('id')} = %s AND {column('status')} <> %s"
    values = {**ERASED_VALUES, "updated_at": timezone.now()}
    return _change_row(
        condition, [submission_id, SubmissionStatus.ERASED], values=values, events=[(SubmissionStatus.ERASED, detail)]
    )


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


def end_unclaimed(submission_id: int, *, to: str, from_statuses: tuple[str, ...], detail: str, **fields) -> bool:
    """Move a row no worker holds (e.g. a sent one whose email came back) from `from_statuses` to `to`.

    The same conditional UPDATE and event as every other change: a row in another state is left
    alone, so a second report of the same bounce changes nothing. False if the row did not move.
    """
    column = partial(_column, Submission)
    placeholders = ", ".join(["%s"] * len(from_statuses))
    condition = f"{column('id')} = %s AND {column('status')} IN ({placeholders})"
    values = {"status": to, "updated_at": timezone.now(), **fields}
    return _change_row(condition, [submission_id, *from_statuses], values=values, events=[(to, detail)]) is not None
