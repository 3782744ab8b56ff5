"""Double opt-in (CONFIRM_EMAIL): nothing but a confirmation link goes to an address that did
not ask, and the summary is made only once the link is followed.

The confirmation email holds no text the sender typed, so it cannot carry their message. It
is sent by the same claimed, leased, swept pipeline as the summary (services/pipeline.py):
durable, and sent once.
"""

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from summaries.models import CONFIRMABLE_STATUSES, Submission, SubmissionStatus, new_token
from summaries.services.claims import record_event
from summaries.services.dkim_signing import SignedEmailMessage
from summaries.services.emailing import deliver, message_id_for
from summaries.services.mail_headers import automated_headers
from summaries.services.unsubscribe import unsubscribe_url
from summaries.services.verp import envelope_sender

SUBJECT = gettext_lazy("Please confirm your email address")


def initial_fields() -> dict:
    """Where a new submission starts: straight to rendering, or waiting for a confirmation email."""
    if not settings.CONFIRM_EMAIL:
        return {}
    return {"status": SubmissionStatus.CONFIRM_QUEUED, "confirmation_token": new_token()}


def confirmation_url(submission: Submission) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("summaries:confirm", args=[submission.confirmation_token])


def build_confirmation_email(submission: Submission) -> SignedEmailMessage:
    context = {"url": confirmation_url(submission), "unsubscribe_url": unsubscribe_url(submission.email)}
    body = render_to_string("summaries/confirmation_email.txt", context)
    return SignedEmailMessage(
        subject=str(SUBJECT),
        body=body,
        from_email=envelope_sender(submission.pk),
        to=[submission.email],
        headers=automated_headers(submission, message_id=message_id_for(submission, kind="confirm")),
    )


def send_confirmation_email(submission: Submission, *, connection: BaseEmailBackend | None = None) -> None:
    deliver(build_confirmation_email(submission), connection=connection)


def confirm(confirmation_token: str) -> Submission | None:
    """Follow a confirmation link: the row moves on to rendering, once. None for an unknown link."""
    submission = Submission.objects.filter(confirmation_token=confirmation_token).first()
    if submission is None:
        return None
    now = timezone.now()
    with transaction.atomic():
        # Conditional, so a second click (or two at once) confirms nothing more. A worker still
        # holding the row for the confirmation email loses its lease and finishes nothing.
        moved = Submission.objects.filter(pk=submission.pk, status__in=CONFIRMABLE_STATUSES).update(
            status=SubmissionStatus.RECEIVED,
            confirmed_at=now,
            attempts=0,
            last_error="",
            lease_owner="",
            lease_until=None,
            next_attempt_at=None,
            # No message out: the workers' relay publishes it (services/relay.py).
            enqueued_at=None,
            updated_at=now,
        )
        if moved:
            record_event(submission.pk, status=SubmissionStatus.RECEIVED, detail="address confirmed")
    submission.refresh_from_db()
    return submission
