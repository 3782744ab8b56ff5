"""Sending a rendered summary to a real SMTP server (aiosmtpd) that misbehaves in chosen ways."""

import pytest
from django.core.files.base import ContentFile

from summaries.models import Submission, SubmissionStatus
from summaries.services.pipeline import process_submission
from tests.integration.smtp_sink import SmtpSink

pytestmark = pytest.mark.django_db

ANSWERS = {"email": "ada@example.com", "name": "Ada", "about": "Engines.", "hobby": "Maths", "color": "Purple"}


@pytest.fixture
def sink(settings):
    smtp = SmtpSink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 1
    yield smtp
    smtp.stop()


def rendered_submission(**answers) -> Submission:
    submission = Submission.objects.create(**{**ANSWERS, **answers}, status=SubmissionStatus.RENDERED)
    submission.pdf.save(f"summaries/{submission.pk}.pdf", ContentFile(b"%PDF-1.7 summary"), save=True)
    return submission


def test_a_goodbye_the_mail_server_never_answers_does_not_undo_the_delivery(sink):
    sink.behaviour.hang_on_quit = True
    submission = rendered_submission()

    process_submission(submission.pk)

    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SENT
    assert submission.sent_at is not None
    assert len(sink.received_for("ada@example.com")) == 1


def test_a_mail_server_that_never_accepts_gets_the_email_again_later(sink):
    sink.hold_next(1)
    submission = rendered_submission()

    process_submission(submission.pk)

    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RENDERED
    assert submission.next_attempt_at is not None
    assert submission.last_error.startswith("Could not reach the mail server")
    assert sink.count() == 0


def test_an_unknown_recipient_fails_at_once_with_a_reason_a_person_can_read(sink):
    sink.behaviour.unknown_recipients = {"nobody@example.com"}
    submission = rendered_submission(email="nobody@example.com")

    process_submission(submission.pk)

    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.FAILED
    assert submission.last_error == "The mail server refused the address: 550 5.1.1 No such user here"
    assert sink.count() == 0
