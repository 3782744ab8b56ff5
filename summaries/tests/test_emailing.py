import smtplib

import pytest

from summaries.services import emailing
from summaries.services.emailing import DeliveryError, build_summary_email, message_id_for, send_summary_email
from summaries.tests.factories import make_submission

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7 fake"


def test_the_email_has_the_subject_both_bodies_and_the_pdf(settings):
    settings.DEFAULT_FROM_EMAIL = "About Me <summaries@example.com>"
    submission = make_submission()
    message = build_summary_email(submission, PDF)
    assert message.subject == "Your Personal Summary"
    assert message.from_email == "About Me <summaries@example.com>"
    assert message.to == ["ada@example.com"]
    assert "Ada Lovelace" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html" and "Ada Lovelace" in html
    assert message.attachments == [("summary.pdf", PDF, "application/pdf")]


def test_the_message_id_is_the_same_on_every_try(settings):
    settings.DEFAULT_FROM_EMAIL = "About Me <summaries@example.com>"
    submission = make_submission()
    first = build_summary_email(submission, PDF).message()["Message-ID"]
    again = build_summary_email(submission, PDF).message()["Message-ID"]
    assert first == again == message_id_for(submission)
    assert first.endswith("@example.com>")


def test_the_html_body_escapes_answers():
    submission = make_submission(name="<img src=x onerror=alert(1)>")
    [(html, _)] = build_summary_email(submission, PDF).alternatives
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


class _Refusing:
    """An SMTP connection that fails the way a real server would (the server is outside the product)."""

    def __init__(self, exc):
        self.exc = exc

    def __call__(self, *args, **kwargs):
        raise self.exc


@pytest.mark.parametrize(
    ("exc", "permanent"),
    [
        (smtplib.SMTPRecipientsRefused({"ada@example.com": (550, b"5.1.1 unknown user")}), True),
        (smtplib.SMTPRecipientsRefused({"ada@example.com": (450, b"mailbox busy")}), False),
        (smtplib.SMTPDataError(451, b"try again later"), False),
        (smtplib.SMTPDataError(554, b"rejected"), True),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
        (smtplib.SMTPServerDisconnected("gone"), False),
        (ConnectionRefusedError(111, "refused"), False),
        (TimeoutError("timed out"), False),
    ],
)
def test_failures_are_told_temporary_or_permanent(monkeypatch, exc, permanent):
    monkeypatch.setattr(emailing.EmailMultiAlternatives, "send", _Refusing(exc))
    with pytest.raises(DeliveryError) as raised:
        send_summary_email(make_submission(), PDF)
    assert raised.value.permanent is permanent
    assert raised.value.reason
