"""Composing the summary email and telling temporary delivery failures from permanent ones."""

import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy

from summaries.models import Submission
from summaries.services.dkim_signing import SignedEmailMultiAlternatives
from summaries.services.mail_headers import automated_headers
from summaries.services.unsubscribe import unsubscribe_url
from summaries.services.verp import envelope_sender

# The tutorial's subject in English; translated into the submission's language at send time.
SUBJECT = gettext_lazy("Your Personal Summary")


class DeliveryError(Exception):
    def __init__(self, reason: str, *, permanent: bool):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


def message_id_for(submission: Submission, *, kind: str = "summary") -> str:
    """The same Message-ID on every try, so a receiver can recognise a resent copy."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<{kind}-{submission.pk}-{int(submission.created_at.timestamp())}@{domain}>"


def build_summary_email(submission: Submission, *, pdf: bytes) -> SignedEmailMultiAlternatives:
    """The summary email in the active language (the pipeline activates the submission's)."""
    context = {"submission": submission, "unsubscribe_url": unsubscribe_url(submission.email)}
    message = SignedEmailMultiAlternatives(
        subject=str(SUBJECT),
        body=render_to_string("summaries/email_body.txt", context),
        from_email=envelope_sender(submission.pk),
        to=[submission.email],
        headers=automated_headers(submission, message_id=message_id_for(submission)),
    )
    message.attach_alternative(render_to_string("summaries/email_body.html", context), "text/html")
    message.attach("summary.pdf", pdf, "application/pdf")
    return message


def send_summary_email(submission: Submission, *, pdf: bytes, connection: BaseEmailBackend | None = None) -> None:
    deliver(build_summary_email(submission, pdf=pdf), connection=connection)


def deliver(message: EmailMessage, *, connection: BaseEmailBackend | None = None) -> None:
    """Send once (over `connection`, or a connection of its own); raise DeliveryError saying
    whether another try could succeed."""
    if connection is not None:
        message.connection = connection
    with delivery_errors():
        message.send(fail_silently=False)


@contextmanager
def delivery_errors() -> Iterator[None]:
    """Turn what smtplib and the socket raise into a DeliveryError, temporary or permanent."""
    try:
        yield
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        detail = "; ".join(f"{code} {_text(msg)}" for code, msg in exc.recipients.values())
        raise DeliveryError(
            f"The mail server refused the address: {detail}", permanent=all(500 <= c < 600 for c in codes)
        ) from exc
    except smtplib.SMTPAuthenticationError as exc:
        # A wrong password is the operator's to fix; keep retrying until the limit.
        raise DeliveryError(f"The mail server refused our login: {exc.smtp_code}", permanent=False) from exc
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(
            f"The mail server answered {exc.smtp_code} {_text(exc.smtp_error)}", permanent=500 <= exc.smtp_code < 600
        ) from exc
    except (smtplib.SMTPException, OSError) as exc:
        # Refused or dropped connections, timeouts and TLS errors: all worth another try.
        raise DeliveryError(f"Could not reach the mail server: {type(exc).__name__}: {exc}", permanent=False) from exc


def _text(message) -> str:
    return message.decode(errors="replace") if isinstance(message, bytes) else str(message)
