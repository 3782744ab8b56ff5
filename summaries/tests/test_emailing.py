import smtplib
from email import message_from_bytes, policy

import pytest

from summaries.services import emailing
from summaries.services.emailing import DeliveryError, build_summary_email, message_id_for, send_summary_email
from summaries.tests.factories import build_submission, make_submission

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7 fake"


def test_the_email_has_the_subject_both_bodies_and_the_pdf(settings):
    settings.DEFAULT_FROM_EMAIL = "About Me <summaries@example.com>"
    submission = make_submission()
    message = build_summary_email(submission, pdf=PDF)
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
    first = build_summary_email(submission, pdf=PDF).message()["Message-ID"]
    again = build_summary_email(submission, pdf=PDF).message()["Message-ID"]
    assert first == again == message_id_for(submission)
    assert first.endswith("@example.com>")


def test_the_html_body_escapes_answers():
    submission = make_submission(name="<img src=x onerror=alert(1)>")
    [(html, _)] = build_summary_email(submission, pdf=PDF).alternatives
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
    monkeypatch.setattr(emailing.SignedEmailMultiAlternatives, "send", _Refusing(exc))
    with pytest.raises(DeliveryError) as raised:
        send_summary_email(make_submission(), pdf=PDF)
    assert raised.value.permanent is permanent
    assert raised.value.reason


def _bodies(submission) -> tuple[str, str]:
    message = build_summary_email(submission, pdf=b"%PDF-1.7").message()
    text = message.get_payload()[0].get_payload()[0].get_payload(decode=True).decode()
    html = message.get_payload()[0].get_payload()[1].get_payload(decode=True).decode()
    return text, html


def test_both_versions_greet_the_person_and_mention_the_attachment():
    text, html = _bodies(build_submission())

    assert text.startswith("Hello Ada Lovelace,\n")
    assert 'Hello <span dir="ltr">Ada Lovelace</span>,' in html
    assert "summary.pdf" in text and "summary.pdf" in html


def test_plain_text_shows_answers_as_typed_not_html_escaped():
    text, _ = _bodies(build_submission(name="Ada <Countess> & co", hobby="Mathematics & poetry"))

    assert "Hello Ada <Countess> & co," in text
    assert "Mathematics & poetry" in text


def test_optional_answers_appear_only_when_given():
    without, _ = _bodies(build_submission(dream_job="", saying=""))
    with_them, html = _bodies(build_submission(dream_job="Analyst", saying="More than mortal."))

    assert "Dream job" not in without and "Favourite saying" not in without
    assert "Dream job:         Analyst" in with_them
    assert 'Favourite saying:  "More than mortal."' in with_them
    assert "&ldquo;More than mortal.&rdquo;" in html


def test_a_right_to_left_name_is_marked_so_in_html():
    _, html = _bodies(build_submission(name="דוד בן־גוריון"))

    assert '<span dir="rtl">דוד בן־גוריון</span>' in html


def test_plain_text_lines_stay_short_enough_to_read_anywhere():
    text, _ = _bodies(build_submission())

    # A link cannot be wrapped: it stands on a line of its own instead.
    words = [line for line in text.splitlines() if not line.startswith(("http://", "https://"))]
    assert max(len(line) for line in words) <= 78


# Text with every kind of line ending, a line that starts with "From " and non-ASCII letters.
AWKWARD_TEXT = "one\r\ntwo\rthree\nFrom here on\r\n\r\nZoë says hi\r\r\nfour\n\rno ending"


@pytest.mark.parametrize("name", [AWKWARD_TEXT, "--===============0000000000000000007==--", "=" * 40])
def test_the_email_as_sent_parses_back_into_its_parts_with_the_answers_and_the_pdf(name):
    raw = build_summary_email(build_submission(name=name), pdf=PDF).message().as_bytes(linesep="\r\n")
    parsed = message_from_bytes(raw, policy=policy.default)
    assert [part.get_content_type() for part in parsed.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "application/pdf",
    ]
    text = parsed.get_body(preferencelist=("plain",)).get_content()
    assert " ".join(name.split()) in " ".join(text.split())
    [attachment] = parsed.iter_attachments()
    assert attachment.get_content() == PDF
