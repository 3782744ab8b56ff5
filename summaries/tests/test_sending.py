"""Sending a rendered summary to a real SMTP server (aiosmtpd) that misbehaves in chosen ways."""

import pytest
from django.core.files.base import ContentFile

from summaries.models import Submission, SubmissionStatus
from summaries.services import mail_connections
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
    mail_connections.drop_kept_connection()
    smtp.stop()


def rendered_submission(**answers) -> Submission:
    submission = Submission.objects.create(**{**ANSWERS, **answers}, status=SubmissionStatus.RENDERED)
    submission.pdf.save(f"summaries/{submission.pk}.pdf", ContentFile(b"%PDF-1.7 summary"), save=True)
    return submission


@pytest.mark.parametrize("reuse_seconds", [0, 10])
def test_a_goodbye_the_mail_server_never_answers_does_not_undo_the_delivery(sink, settings, reuse_seconds):
    settings.EMAIL_CONNECTION_REUSE_SECONDS = reuse_seconds  # 0: every delivery ends with a QUIT
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


def _process_all(*submissions: Submission) -> list[str]:
    for submission in submissions:
        process_submission(submission.pk)
        submission.refresh_from_db()
    return [submission.status for submission in submissions]


def test_successive_emails_share_one_connection_to_the_mail_server(sink, settings):
    settings.EMAIL_CONNECTION_REUSE_SECONDS = 10
    first, second = rendered_submission(), rendered_submission(email="grace@example.com")

    assert _process_all(first, second) == [SubmissionStatus.SENT, SubmissionStatus.SENT]
    assert sink.count() == 2
    assert sink.greeted == 1
    assert sink.noops == 1, "before it is used again, a kept connection is checked with one NOOP"


def test_with_reuse_off_every_email_gets_its_own_connection(sink, settings):
    settings.EMAIL_CONNECTION_REUSE_SECONDS = 0
    first, second = rendered_submission(), rendered_submission(email="grace@example.com")

    assert _process_all(first, second) == [SubmissionStatus.SENT, SubmissionStatus.SENT]
    assert sink.greeted == 2


def test_a_kept_connection_the_server_has_closed_costs_a_new_connection_not_a_failed_email(sink, settings):
    settings.EMAIL_CONNECTION_REUSE_SECONDS = 10
    first, second = rendered_submission(), rendered_submission(email="grace@example.com")
    assert _process_all(first) == [SubmissionStatus.SENT]

    sink.stop()  # the server goes away and comes back: the kept connection is dead
    sink.start()

    assert _process_all(second) == [SubmissionStatus.SENT]
    assert second.attempts == 1
    assert [m["To"] for m in sink.messages] == ["ada@example.com", "grace@example.com"]
    assert sink.greeted == 2


def test_a_kept_connection_closed_right_after_its_noop_is_a_failed_try_retried_later(sink, settings):
    # The server answers the NOOP, then closes as the email begins: the email waits for its next try.
    settings.EMAIL_CONNECTION_REUSE_SECONDS = 10
    first, second = rendered_submission(), rendered_submission(email="grace@example.com")
    assert _process_all(first) == [SubmissionStatus.SENT]

    sink.behaviour.close_at_mail_next = 1  # 421 to MAIL, then the server hangs up

    assert _process_all(second) == [SubmissionStatus.RENDERED]
    assert second.last_error.startswith("The mail server answered 421")
    assert second.next_attempt_at is not None
    assert [m["To"] for m in sink.messages] == ["ada@example.com"]


def test_a_new_connection_closed_as_the_email_begins_is_a_failed_try(sink, settings):
    settings.EMAIL_CONNECTION_REUSE_SECONDS = 10
    sink.behaviour.close_at_mail_next = 1
    submission = rendered_submission()

    assert _process_all(submission) == [SubmissionStatus.RENDERED]
    assert submission.last_error.startswith("The mail server answered 421")
    assert sink.greeted == 1, "a failed try is not repeated at once: the row waits for its next try"


def test_a_kept_connection_lost_while_the_email_is_handed_over_is_not_sent_again_at_once(sink, settings):
    settings.EMAIL_CONNECTION_REUSE_SECONDS = 10
    first, second = rendered_submission(), rendered_submission(email="grace@example.com")
    assert _process_all(first) == [SubmissionStatus.SENT]

    sink.hold_next(1)  # no answer to the message: the client gives up after EMAIL_TIMEOUT

    assert _process_all(second) == [SubmissionStatus.RENDERED]
    assert second.last_error.startswith("Could not reach the mail server")
    assert sink.count() == 1
    assert sink.greeted == 1, "after DATA the server may have the message: sending it again at once could make a copy"


def test_a_connection_a_delivery_failed_on_is_never_used_again(sink, settings):
    settings.EMAIL_CONNECTION_REUSE_SECONDS = 10
    sink.behaviour.fail_next = 1  # 451 to the first DATA
    first, second = rendered_submission(), rendered_submission(email="grace@example.com")

    assert _process_all(first, second) == [SubmissionStatus.RENDERED, SubmissionStatus.SENT]
    assert sink.greeted == 2
