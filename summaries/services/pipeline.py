"""One submission's way from received to sent: render, keep the PDF, send, record.

Each step claims the row first (services/claims.py), so running this twice for the same row,
or at once in two workers, does each step at most once. No transaction is held open across a
render or an SMTP conversation: every state change is its own short transaction.
"""

import logging
import random
import time
from contextlib import suppress
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, InterfaceError, OperationalError
from django.db import connection as database
from django.utils import timezone

from summaries.models import SubmissionStatus
from summaries.services.claims import Claim, claim, finish, hand_over
from summaries.services.confirmation import send_confirmation_email
from summaries.services.emailing import DeliveryError, mail_server_connection, send_summary_email
from summaries.services.rendering import render_summary_pdf
from summaries.storage import DatabaseStorage

logger = logging.getLogger("summaries.pipeline")

RECORD_RETRY_FIRST_PAUSE_SECONDS = 0.2
RECORD_RETRY_MAX_PAUSE_SECONDS = 2.0


def process_submission(submission_id: int) -> None:
    # A row is in one state at a time, so at most one of these claims wins; the most common
    # one, a fresh submission to render, is tried first and costs the others nothing.
    # The one claim that need not wait for the disk (claim(), and docs/reliability.md, "What waits for the disk").
    rendering = claim(
        submission_id, waiting=SubmissionStatus.RECEIVED, leased=SubmissionStatus.RENDERING, durable=False
    )
    if rendering is not None:
        rendered = _render(rendering)
        if rendered is not None:
            _send(*rendered)
        return
    confirming = claim(submission_id, waiting=SubmissionStatus.CONFIRM_QUEUED, leased=SubmissionStatus.CONFIRM_SENDING)
    if confirming is not None:
        # Double opt-in: the summary waits for the link to be followed (services/confirmation.py).
        _deliver(confirming, SubmissionStatus.CONFIRM_QUEUED, send_confirmation_email, SubmissionStatus.UNCONFIRMED)
        return
    sending = claim(submission_id, waiting=SubmissionStatus.RENDERED, leased=SubmissionStatus.SENDING)
    if sending is not None:
        with sending.submission.pdf.open("rb") as stored:
            _send(sending, stored.read())


def _render(claim_: Claim) -> tuple[Claim, bytes] | None:
    """Render and store the PDF; returns the claim to send it, with the PDF, or None."""
    submission = claim_.submission
    try:
        pdf = render_summary_pdf(submission)
    except SoftTimeLimitExceeded:
        _retry_or_fail(claim_, SubmissionStatus.RECEIVED, "Rendering took too long.")
        return None
    except Exception as exc:  # noqa: BLE001 - any render failure is retried up to the limit
        logger.exception("submission=%s render failed", submission.pk)
        _retry_or_fail(claim_, SubmissionStatus.RECEIVED, f"Rendering failed: {type(exc).__name__}")
        return None
    # Straight on to sending, with the PDF still in memory: one change keeps the PDF and records
    # both steps, instead of a commit each for the file, finishing and claiming again, and a read
    # of the PDF back from the database.
    sending = _keep_and_hand_over(claim_, pdf)
    return None if sending is None else (sending, pdf)


def _keep_and_hand_over(claim_: Claim, pdf: bytes) -> Claim | None:
    """Keep the PDF and move the row from rendering on to sending; the claim to send it, or None."""
    # The name is fixed per submission and the storage overwrites, so a retried render replaces
    # the file rather than leaving copies behind.
    name = f"summaries/{claim_.submission.pk}.pdf"
    storage = claim_.submission.pdf.storage
    if isinstance(storage, DatabaseStorage):
        # Written by the hand-over's own statement: on PostgreSQL one round trip for both
        # (bench/RESULTS.md, seventh session).
        kept_with_it = storage.save_statement(name, pdf)
    else:
        name = storage.save(name, ContentFile(pdf))
        kept_with_it = None
    return hand_over(
        claim_,
        SubmissionStatus.RENDERED,
        "",
        leased=SubmissionStatus.SENDING,
        along_with=kept_with_it,
        pdf=name,
        rendered_at=timezone.now(),
        last_error="",
    )


def _send(claim_: Claim, pdf: bytes) -> None:
    _deliver(
        claim_,
        SubmissionStatus.RENDERED,
        lambda submission, connection: send_summary_email(submission, pdf, connection),
        SubmissionStatus.SENT,
        stamp="sent_at",
    )


def _deliver(claim_: Claim, waiting: str, send, done: str, stamp: str | None = None) -> None:
    """Send one email for a claimed row; on a temporary failure the row goes back to `waiting`."""
    accepted = False
    try:
        with mail_server_connection() as connection:
            send(claim_.submission, connection)
            accepted = True
            # From the server accepting the mail to this commit is the only place a crash can
            # cause a second copy (docs/reliability.md): nothing else happens in it, not even QUIT.
            _record_delivered(claim_, done, stamp)
    except SoftTimeLimitExceeded:
        if accepted:
            _record_delivered(claim_, done, stamp)
        else:
            _retry_or_fail(claim_, waiting, "The mail server took too long to answer.")
    except DeliveryError as exc:
        if exc.permanent:
            finish(claim_, SubmissionStatus.FAILED, exc.reason, last_error=exc.reason)
        else:
            _retry_or_fail(claim_, waiting, exc.reason)


def _record_delivered(claim_: Claim, done: str, stamp: str | None) -> None:
    """Record the delivery, waiting out a database outage rather than giving up.

    The server already has the email: if this write were abandoned, the lease would run out and
    the email would be sent again. The job's time limit, shorter than the lease, bounds the wait.
    """
    pause = RECORD_RETRY_FIRST_PAUSE_SECONDS
    while True:
        try:
            finish(claim_, done, last_error="", **({stamp: timezone.now()} if stamp else {}))
            return
        except (OperationalError, InterfaceError) as exc:
            logger.warning("submission=%s sent, but recording it failed (%s); trying again", claim_.submission.pk, exc)
            with suppress(DatabaseError):
                database.close()
            time.sleep(pause)
            pause = min(pause * 2, RECORD_RETRY_MAX_PAUSE_SECONDS)


def retry_delay(attempt: int) -> float:
    """Exponential backoff with jitter: about base, 2*base, 4*base... capped, times 0.5-1.0."""
    ceiling = min(settings.RETRY_MAX_SECONDS, settings.RETRY_BASE_SECONDS * 2 ** max(attempt - 1, 0))
    return ceiling * random.uniform(0.5, 1.0)


def _retry_or_fail(claim_: Claim, waiting: str, reason: str) -> None:
    attempts = claim_.submission.attempts
    if attempts >= settings.SUBMISSION_MAX_ATTEMPTS:
        final = f"{reason} Gave up after {attempts} attempts."
        finish(claim_, SubmissionStatus.FAILED, final, last_error=final)
        return
    retry_at = timezone.now() + timedelta(seconds=retry_delay(attempts))
    finish(
        claim_, waiting, f"{reason} Retrying at {retry_at:%H:%M:%S} UTC.", last_error=reason, next_attempt_at=retry_at
    )
