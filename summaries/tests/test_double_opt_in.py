"""Double opt-in (CONFIRM_EMAIL): only a confirmation link reaches an address until it is followed."""

import re
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from summaries.models import Submission, SubmissionStatus
from summaries.services import pipeline
from summaries.services.claims import reopen_failed
from summaries.services.sweep import stalled_submissions
from summaries.tests.fresh_process import run_manage

pytestmark = pytest.mark.django_db


@pytest.fixture
def opt_in(settings):
    settings.CONFIRM_EMAIL = True
    settings.PUBLIC_BASE_URL = "https://aboutme.example.com"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def submit(client, answers) -> Submission:
    response = client.post("/", answers)
    assert response.status_code == 302
    return Submission.objects.get(token=response["Location"].split("/")[2])


def confirmation_path(message) -> str:
    [url] = re.findall(r"https://aboutme\.example\.com(/confirm/[^/\s]+/)", message.body)
    return url


def test_off_by_default_a_submission_goes_straight_to_rendering(client, answers, settings):
    assert settings.CONFIRM_EMAIL is False
    assert submit(client, answers).status == SubmissionStatus.RECEIVED


def test_the_first_email_is_only_a_confirmation_link_without_anything_the_sender_typed(client, answers, opt_in):
    submission = submit(client, {**answers, "name": "Buy cheap pills at spam.example"})
    assert submission.status == SubmissionStatus.CONFIRM_QUEUED
    pipeline.process_submission(submission.pk)

    [message] = mail.outbox
    assert message.to == [answers["email"]]
    assert message.subject == "Please confirm your email address"
    assert not message.attachments
    for typed in ["spam.example", answers["about"], answers["hobby"], answers["saying"], answers["dream_job"]]:
        assert typed not in message.body and typed not in message.subject
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.UNCONFIRMED and not submission.pdf
    assert confirmation_path(message) == f"/confirm/{submission.confirmation_token}/"
    # The person who filled in the form never sees the confirmation link.
    status_page = client.get(f"/s/{submission.token}/").text
    assert submission.confirmation_token not in status_page
    assert "We have emailed a confirmation link" in status_page
    assert client.get(f"/s/{submission.token}/status.json").json()["status"] == "confirm"


def test_the_confirmation_email_is_sent_once_however_often_the_job_runs(client, answers, opt_in):
    submission = submit(client, answers)
    for _ in range(3):
        pipeline.process_submission(submission.pk)
    assert len(mail.outbox) == 1
    assert not stalled_submissions().filter(pk=submission.pk).exists()


def test_following_the_link_then_pressing_the_button_sends_the_summary_once(client, answers, opt_in):
    submission = submit(client, answers)
    pipeline.process_submission(submission.pk)
    path = confirmation_path(mail.outbox[0])

    page = client.get(path)
    assert page.status_code == 200 and "Yes, send me the summary" in page.text
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.UNCONFIRMED  # opening the link alone confirms nothing

    response = client.post(path)
    assert response.status_code == 302 and response["Location"] == f"/s/{submission.token}/"
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RECEIVED and submission.confirmed_at

    assert client.post(path).status_code == 302  # a second press changes nothing
    pipeline.process_submission(submission.pk)
    pipeline.process_submission(submission.pk)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SENT
    assert [m.subject for m in mail.outbox] == ["Please confirm your email address", "Your Personal Summary"]
    assert list(submission.events.values_list("status", flat=True)) == [
        "confirm_sending", "unconfirmed", "received", "rendering", "rendered", "sending", "sent",
    ]  # fmt: skip


@pytest.mark.parametrize("method", ["get", "post"])
def test_unknown_links_and_status_tokens_confirm_nothing(client, answers, opt_in, method):
    submission = submit(client, answers)
    pipeline.process_submission(submission.pk)
    for guess in ["nope", submission.token, str(submission.pk)]:
        assert getattr(client, method)(f"/confirm/{guess}/").status_code == 404
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.UNCONFIRMED


class TemporarilyRefusing(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPResponseException(451, b"4.3.0 try later")


def test_a_temporary_failure_is_retried_by_the_sweep_and_a_permanent_one_can_be_reopened(
    client, answers, opt_in, settings
):
    submission = submit(client, answers)
    settings.EMAIL_BACKEND = f"{__name__}.TemporarilyRefusing"
    pipeline.process_submission(submission.pk)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.CONFIRM_QUEUED and submission.next_attempt_at
    assert "451" in submission.last_error
    later = submission.next_attempt_at + timedelta(seconds=1)
    assert stalled_submissions(now=later).filter(pk=submission.pk).exists()

    Submission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.FAILED, next_attempt_at=None)
    assert reopen_failed(Submission.objects.filter(pk=submission.pk)) == [submission.pk]
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.CONFIRM_QUEUED


def test_a_confirmation_worker_that_died_is_taken_over_after_its_lease(client, answers, opt_in):
    submission = submit(client, answers)
    Submission.objects.filter(pk=submission.pk).update(
        status=SubmissionStatus.CONFIRM_SENDING,
        lease_owner="dead",
        lease_until=timezone.now() - timedelta(seconds=1),
        enqueued_at=None,
    )
    assert stalled_submissions().filter(pk=submission.pk).exists()
    pipeline.process_submission(submission.pk)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.UNCONFIRMED and len(mail.outbox) == 1


def test_production_with_confirmation_on_needs_the_public_address(tmp_path):
    result = run_manage(tmp_path, "check", DEBUG="false", SECRET_KEY="x" * 60, CONFIRM_EMAIL="true")
    assert result.returncode != 0 and "PUBLIC_BASE_URL must be set" in result.stderr
