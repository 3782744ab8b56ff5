from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from summaries.models import Submission, SubmissionStatus
from summaries.services import emailing, pipeline
from summaries.services.emailing import DeliveryError
from summaries.tasks import process_submission
from summaries.tests.factories import make_submission

pytestmark = pytest.mark.django_db


def test_a_received_submission_is_rendered_kept_and_sent():
    submission = make_submission()
    process_submission(submission.pk)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SENT
    assert submission.sent_at and submission.rendered_at
    assert submission.pdf.read().startswith(b"%PDF")
    [message] = mail.outbox
    assert message.to == ["ada@example.com"]
    assert [e.status for e in submission.events.all()] == ["rendering", "rendered", "sending", "sent"]


def test_a_second_run_of_a_sent_submission_sends_nothing():
    submission = make_submission()
    process_submission(submission.pk)
    process_submission(submission.pk)
    assert len(mail.outbox) == 1
    assert Submission.objects.get().events.count() == 4


def test_a_row_leased_to_a_live_worker_is_left_alone():
    submission = make_submission(
        status=SubmissionStatus.SENDING, lease_owner="someone", lease_until=timezone.now() + timedelta(minutes=1)
    )
    process_submission(submission.pk)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SENDING
    assert submission.lease_owner == "someone"
    assert mail.outbox == []


def test_a_row_whose_worker_died_is_taken_over_after_its_lease():
    submission = make_submission(
        status=SubmissionStatus.RENDERING, lease_owner="dead", lease_until=timezone.now() - timedelta(seconds=1)
    )
    process_submission(submission.pk)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SENT
    assert len(mail.outbox) == 1


def test_a_retry_that_is_not_due_yet_waits():
    submission = make_submission(next_attempt_at=timezone.now() + timedelta(minutes=5))
    process_submission(submission.pk)
    assert Submission.objects.get().status == SubmissionStatus.RECEIVED
    assert mail.outbox == []


def _fail_sending(monkeypatch, permanent: bool):
    def fail(submission, pdf, connection):
        raise DeliveryError("The mail server answered 451 try later", permanent=permanent)

    monkeypatch.setattr(pipeline, "send_summary_email", fail)


def test_a_temporary_failure_keeps_the_pdf_and_schedules_a_retry(monkeypatch, settings):
    settings.RETRY_BASE_SECONDS = 60
    _fail_sending(monkeypatch, permanent=False)
    submission = make_submission()
    started = timezone.now()
    process_submission(submission.pk)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RENDERED
    assert submission.pdf
    # The first retry waits half the base at least (jitter 0.5 to 1.0), however long this took.
    assert submission.next_attempt_at >= started + timedelta(seconds=30)
    assert "451" in submission.last_error

    # The retry, once due, sends without rendering again.
    monkeypatch.setattr(pipeline, "send_summary_email", emailing.send_summary_email)
    monkeypatch.setattr(pipeline, "render_summary_pdf", lambda s: pytest.fail("rendered twice"))
    # Due by a second: the database's clock, which judges it, keeps milliseconds only.
    Submission.objects.filter(pk=submission.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    process_submission(submission.pk)
    assert Submission.objects.get().status == SubmissionStatus.SENT
    assert len(mail.outbox) == 1


def test_a_permanent_failure_stops_at_once_with_the_reason(monkeypatch):
    _fail_sending(monkeypatch, permanent=True)
    submission = make_submission()
    process_submission(submission.pk)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.FAILED
    assert submission.last_error == "The mail server answered 451 try later"


def test_temporary_failures_give_up_after_the_attempt_limit(monkeypatch, settings):
    settings.SUBMISSION_MAX_ATTEMPTS = 3
    _fail_sending(monkeypatch, permanent=False)
    submission = make_submission()
    for _ in range(3):
        Submission.objects.filter(pk=submission.pk).update(next_attempt_at=None)
        process_submission(submission.pk)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.FAILED
    assert "Gave up after 3 attempts" in submission.last_error


def test_a_render_error_is_retried_not_lost(monkeypatch):
    def broken(submission):
        raise RuntimeError("font exploded")

    monkeypatch.setattr(pipeline, "render_summary_pdf", broken)
    submission = make_submission()
    process_submission(submission.pk)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RECEIVED
    assert submission.next_attempt_at is not None
    assert "Rendering failed" in submission.last_error


@pytest.mark.parametrize("attempt", [1, 2, 5, 30])
def test_retry_delays_grow_exponentially_with_jitter_and_a_cap(settings, attempt):
    settings.RETRY_BASE_SECONDS = 10
    settings.RETRY_MAX_SECONDS = 100
    ceiling = min(100, 10 * 2 ** (attempt - 1))
    delays = [pipeline.retry_delay(attempt) for _ in range(50)]
    assert all(ceiling * 0.5 <= d <= ceiling for d in delays)
    assert len(set(delays)) > 1
