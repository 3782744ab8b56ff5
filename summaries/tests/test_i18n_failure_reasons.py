"""A failed submission's reason, stored in English for operators, read in the person's language."""

import smtplib

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import translation

from summaries.i18n.failure_reasons import REASONS, reason_for_person
from summaries.services import pipeline
from summaries.services.emailing import DeliveryError, delivery_errors
from summaries.tasks import process_submission
from summaries.tests.factories import make_submission

SMTP_FAILURES = [
    smtplib.SMTPRecipientsRefused({"ada@example.com": (550, b"5.1.1 No such user")}),
    smtplib.SMTPAuthenticationError(535, b"bad credentials"),
    smtplib.SMTPResponseException(554, b"rejected"),
    ConnectionRefusedError("refused"),
]


def _stored_reason(failure: Exception) -> str:
    with pytest.raises(DeliveryError) as raised, delivery_errors():
        raise failure
    return raised.value.reason


@pytest.mark.parametrize("failure", SMTP_FAILURES, ids=lambda failure: type(failure).__name__)
def test_every_reason_the_mail_side_writes_has_a_translation(failure):
    stored = _stored_reason(failure)
    assert any(stored.startswith(code) for code in REASONS), stored
    with translation.override("fr"):
        shown = reason_for_person(stored)
    assert shown != stored and "serveur de messagerie" in shown


@pytest.mark.django_db
@pytest.mark.parametrize("error", [RuntimeError("font exploded"), SoftTimeLimitExceeded()], ids=["error", "timeout"])
def test_every_reason_a_render_writes_has_a_translation(monkeypatch, error):
    def broken(submission):
        raise error

    monkeypatch.setattr(pipeline, "render_summary_pdf", broken)
    submission = make_submission()
    process_submission(submission.pk)
    submission.refresh_from_db()
    with translation.override("de"):
        shown = reason_for_person(submission.last_error)
    assert shown.startswith("Das Erstellen der PDF-Datei"), shown


def test_the_servers_own_words_and_the_attempts_are_kept():
    stored = "The mail server answered 554 rejected Gave up after 8 attempts."
    with translation.override("ja"):
        assert reason_for_person(stored) == "メールサーバーの応答： 554 rejected 8 回試みましたが、送信を断念しました。"


def test_a_reason_nothing_here_wrote_is_shown_as_stored():
    with translation.override("es"):
        assert reason_for_person("Something else entirely") == "Something else entirely"
