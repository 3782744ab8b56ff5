"""The worker writes each submission's email and PDF in the submission's language, whatever its own is."""

import io

import pytest
from django.core import mail
from django.utils import translation
from pypdf import PdfReader

from summaries.models import SubmissionStatus
from summaries.tasks import process_submission
from summaries.tests.factories import make_submission
from summaries.tests.languages import LANGUAGES, expected

pytestmark = pytest.mark.django_db


def _pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def _pdf_lang(pdf: bytes) -> str:
    return str(PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"])


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_the_email_and_pdf_are_written_in_the_submissions_language(code):
    want = expected(code)
    submission = make_submission(language=code)
    with translation.override("en"):  # the worker's own language
        process_submission(submission.pk)
        assert translation.get_language() == "en", "the job's language must not outlive the job"
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SENT
    [message] = mail.outbox
    assert message.subject == want["subject"]
    assert message.extra_headers["Content-Language"] == want["pdf_lang"]
    assert message.body.startswith(want["greeting"] + "\n")
    html, _ = message.alternatives[0]
    assert f'<html lang="{want["pdf_lang"]}" dir="{want["dir"]}">' in html
    assert f'<body dir="{want["dir"]}"' in html
    pdf = message.attachments[0][1]
    assert _pdf_lang(pdf) == want["pdf_lang"]
    if want["dir"] == "ltr":  # right-to-left text comes back in visual order: see the integration tests
        text = _pdf_text(pdf)
        assert want["about_heading"] in text and want["purple"] in text


def test_the_confirmation_email_is_in_the_submissions_language(settings):
    settings.CONFIRM_EMAIL = True
    submission = make_submission(language="es", status=SubmissionStatus.CONFIRM_QUEUED, confirmation_token="t" * 20)
    process_submission(submission.pk)
    [message] = mail.outbox
    assert message.subject == "Confirma tu dirección de correo electrónico"
    assert message.extra_headers["Content-Language"] == "es"
    assert "Para recibirlo, abre este enlace y pulsa el botón:" in message.body


@pytest.mark.parametrize("stored", ["", "xx", "it", "../../etc", "e" * 16])
def test_a_submission_in_an_unknown_language_is_written_in_english(stored):
    submission = make_submission(language=stored)
    process_submission(submission.pk)
    [message] = mail.outbox
    assert message.subject == "Your Personal Summary"
    assert message.extra_headers["Content-Language"] == "en"


def test_the_pdf_date_is_in_the_languages_own_format():
    from datetime import UTC, datetime

    from summaries.services.rendering import summary_html
    from summaries.tests.factories import build_submission

    submission = build_submission(created_at=datetime(2026, 3, 14, 9, 0, tzinfo=UTC))
    dates = {}
    for code in ("en", "de", "ja", "es"):
        with translation.override(code):
            dates[code] = summary_html(submission)
    assert "14 March 2026" in dates["en"]
    assert "14. März 2026" in dates["de"]
    assert "2026年3月14日" in dates["ja"]
    assert "14 de marzo de 2026" in dates["es"]
