"""One submission's way from received to sent: render, keep the PDF, send, record.

Each step claims the row first (services/claims.py), so running this twice for the same row,
or at once in two workers, does each step at most once. No transaction is held open across a
render or an SMTP conversation: every state change is its own short transaction.
"""

import logging
import random
import time
from collections.abc import Callable
from contextlib import suppress
from datetime import timedelta
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db import connection as database
from django.utils import timezone

from summaries.database_errors import database_unavailable
from summaries.i18n.languages import in_language
from summaries.models import Submission, SubmissionStatus
from summaries.observability import metrics, tracing
from summaries.services.claims import Claim, claim, finish, hand_over, still_claimed
from summaries.services.confirmation import send_confirmation_email
from summaries.services.database_clock import database_now
from summaries.services.emailing import DeliveryError, send_summary_email
from summaries.services.mail_connections import mail_server_connection
from summaries.services.rendering import render_summary_pdf
from summaries.services.suppression import SUPPRESSED_DETAIL, is_suppressed

logger = logging.getLogger("summaries.pipeline")

RECORD_RETRY_FIRST_PAUSE_SECONDS = 0.2
RECORD_RETRY_MAX_PAUSE_SECONDS = 2.0

# Sends one email for a submission: send(submission, connection=...).
Send = Callable[..., None]


def process_submission(submission_id: int) -> None:
    if type(submission_id) is not int:
        # A message not from us: its argument may be anything, personal data included, so only its type is logged.
        logger.warning("dropped a message whose submission id is a %s, not a number", type(submission_id).__name__)
        return
    # A row is in one state at a time, so at most one of these claims wins; the most common
    # one, a fresh submission to render, is tried first and costs the others nothing.
    # Each job is written in its submission's language, activated around the job only: the
    # worker's own default stays in place for everything else it does.
    rendering = claim(submission_id, waiting=SubmissionStatus.RECEIVED, leased=SubmissionStatus.RENDERING)
    if rendering is not None:
        with in_language(rendering.submission.language):
            _render_then_send(rendering)
        return
    confirming = claim(submission_id, waiting=SubmissionStatus.CONFIRM_QUEUED, leased=SubmissionStatus.CONFIRM_SENDING)
    if confirming is not None:
        # Double opt-in: the summary waits for the link to be followed (services/confirmation.py).
        with in_language(confirming.submission.language):
            _deliver(
                confirming,
                send=send_confirmation_email,
                done=SubmissionStatus.UNCONFIRMED,
                on_retry=SubmissionStatus.CONFIRM_QUEUED,
            )
        return
    sending = claim(submission_id, waiting=SubmissionStatus.RENDERED, leased=SubmissionStatus.SENDING)
    if sending is not None:
        with sending.submission.pdf.open("rb") as stored, in_language(sending.submission.language):
            _send_summary(sending, pdf=stored.read())
    elif not Submission.objects.filter(pk=submission_id).exists():
        # Only a message no claim could use pays this read: a duplicate finds its row, a stray one does not.
        logger.warning("submission=%s does not exist; its message is dropped", submission_id)


def _render_then_send(rendering: Claim) -> None:
    submission = rendering.submission
    try:
        with tracing.span("render", submission_id=submission.pk), metrics.timed_render():
            pdf = render_summary_pdf(submission)
    except SoftTimeLimitExceeded:
        _retry_or_fail(rendering, back_to=SubmissionStatus.RECEIVED, reason="Rendering took too long.")
        return
    except Exception as exc:  # noqa: BLE001 - any render failure is retried up to the limit
        logger.exception("submission=%s render failed", submission.pk)
        _retry_or_fail(rendering, back_to=SubmissionStatus.RECEIVED, reason=f"Rendering failed: {type(exc).__name__}")
        return
    sending = _keep_and_hand_over(rendering, pdf=pdf)
    if sending is not None:
        # Straight on to sending, with the PDF still in memory: no second claim, no read back.
        _send_summary(sending, pdf=pdf)


def _keep_and_hand_over(rendering: Claim, *, pdf: bytes) -> Claim | None:
    """Keep the PDF and move the row from rendering on to sending, together; the claim to send it, or None."""
    submission = rendering.submission
    with transaction.atomic():
        # A fixed name per submission, which the storage replaces: a retried render leaves no copies.
        name = submission.pdf.storage.save(f"summaries/{submission.pk}.pdf", ContentFile(pdf))
        sending = hand_over(
            rendering,
            done=SubmissionStatus.RENDERED,
            then=SubmissionStatus.SENDING,
            pdf=name,
            rendered_at=timezone.now(),
            last_error="",
        )
        if sending is None:
            # The row was taken over or erased meanwhile: the PDF must not outlive it.
            transaction.set_rollback(True)
        return sending


def _send_summary(sending: Claim, *, pdf: bytes) -> None:
    send = partial(send_summary_email, pdf=pdf)
    _deliver(sending, send=send, done=SubmissionStatus.SENT, on_retry=SubmissionStatus.RENDERED, stamp="sent_at")


def _deliver(claimed: Claim, *, send: Send, done: str, on_retry: str, stamp: str | None = None) -> None:
    """Send one email for a claimed row; on a temporary failure the row goes back to `on_retry`."""
    # Checked again here, not only at intake: the address may have been suppressed since.
    if is_suppressed(claimed.submission.email):
        finish(claimed, to=SubmissionStatus.SUPPRESSED, detail=SUPPRESSED_DETAIL)
        return
    accepted = False
    try:
        with mail_server_connection() as connection:
            # The person may have erased the submission since the claim: then nothing is sent.
            if not still_claimed(claimed):
                logger.info("submission=%s no longer ours (erased or taken over): not sending", claimed.submission.pk)
                return
            with tracing.send_span(claimed.submission), metrics.timed_send():
                send(claimed.submission, connection=connection)
            accepted = True
            # From the server accepting the mail to this commit is the only place a crash can
            # cause a second copy (docs/reliability.md): nothing else happens in it, not even QUIT.
            _record_delivered(claimed, done=done, stamp=stamp)
    except SoftTimeLimitExceeded:
        if accepted:
            _record_delivered(claimed, done=done, stamp=stamp)
        else:
            _retry_or_fail(claimed, back_to=on_retry, reason="The mail server took too long to answer.")
    except DeliveryError as exc:
        if exc.permanent:
            finish(claimed, to=SubmissionStatus.FAILED, detail=exc.reason, last_error=exc.reason)
        else:
            _retry_or_fail(claimed, back_to=on_retry, reason=exc.reason)


def _record_delivered(claimed: Claim, *, done: str, stamp: str | None) -> None:
    """Record the delivery, waiting out a database outage rather than giving up.

    The server already has the email: if this write were abandoned, the lease would run out and
    the email would be sent again. The job's time limit, shorter than the lease, bounds the wait.
    """
    stamped = {stamp: timezone.now()} if stamp else {}
    pause = RECORD_RETRY_FIRST_PAUSE_SECONDS
    while True:
        try:
            finish(claimed, to=done, last_error="", **stamped)
            return
        except DatabaseError as exc:
            if not database_unavailable(exc):
                raise
            logger.warning("submission=%s sent, but recording it failed (%s); trying again", claimed.submission.pk, exc)
            with suppress(DatabaseError):
                database.close()
            time.sleep(pause)
            pause = min(pause * 2, RECORD_RETRY_MAX_PAUSE_SECONDS)


def retry_delay(attempt: int) -> float:
    """Exponential backoff with jitter: about base, 2*base, 4*base... capped, times 0.5-1.0."""
    ceiling = min(settings.RETRY_MAX_SECONDS, settings.RETRY_BASE_SECONDS * 2 ** max(attempt - 1, 0))
    return ceiling * random.uniform(0.5, 1.0)


def _retry_or_fail(claimed: Claim, *, back_to: str, reason: str) -> None:
    attempts = claimed.submission.attempts
    if attempts >= settings.SUBMISSION_MAX_ATTEMPTS:
        final = f"{reason} Gave up after {attempts} attempts."
        finish(claimed, to=SubmissionStatus.FAILED, detail=final, last_error=final)
        return
    metrics.count_retry("send" if claimed.submission.status != SubmissionStatus.RENDERING else "render")
    # By the database's clock, as every "is it due?" is judged (services/database_clock.py).
    retry_at = database_now() + timedelta(seconds=retry_delay(attempts))
    finish(
        claimed,
        to=back_to,
        detail=f"{reason} Retrying at {retry_at:%H:%M:%S} UTC.",
        last_error=reason,
        next_attempt_at=retry_at,
    )
