"""Personal data stays in the database: not in broker messages, not in logs; gone after retention."""

import json
import logging
import smtplib
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from kombu import Connection

from summaries.models import StoredFile, Submission, SubmissionEvent, SubmissionStatus
from summaries.services import pipeline
from summaries.services.publishing import publish
from summaries.services.retention import delete_expired_submissions

pytestmark = pytest.mark.django_db

PERSONAL = {
    "email": "ada.private@example.com",
    "name": "Adaprivate Lovelace",
    "about": "Secret-about-text",
    "hobby": "Secret-hobby",
    "color": "Purple",
    "saying": "Secret-saying",
    "dream_job": "Secret-job",
}


def personal_strings() -> list[str]:
    return [value for key, value in PERSONAL.items() if key != "color"] + ["ada.private"]


def published_message_for(submission_id: int):
    """Read the real broker (this test run's own filesystem broker) until our message turns up."""
    transport_options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    with Connection(settings.CELERY_BROKER_URL, transport_options=transport_options) as connection:
        queue = connection.SimpleQueue(settings.SUMMARY_QUEUE)
        while True:
            message = queue.get(timeout=5)
            message.ack()
            if message.decode()[0] == [submission_id]:
                return message


def test_a_published_broker_message_carries_only_the_id():
    submission = Submission.objects.create(**PERSONAL)
    assert publish(submission.pk)
    message = published_message_for(submission.pk)
    args, kwargs, _ = message.decode()
    assert args == [submission.pk] and kwargs == {}
    everything = json.dumps({"headers": message.headers, "properties": message.properties}) + message.body.decode()
    assert str(submission.pk) in everything
    for value in personal_strings():
        assert value not in everything, value


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses the recipient and, as many do, quotes the address back."""

    def send_messages(self, messages):
        address = messages[0].to[0]
        raise smtplib.SMTPRecipientsRefused({address: (550, f"5.1.1 <{address}>: Recipient address rejected".encode())})


@pytest.mark.parametrize("backend", ["django.core.mail.backends.locmem.EmailBackend", __name__ + ".RefusingBackend"])
def test_the_pipeline_logs_no_personal_data(settings, caplog, backend):
    settings.EMAIL_BACKEND = backend
    submission = Submission.objects.create(**PERSONAL)
    with caplog.at_level(logging.DEBUG):
        pipeline.process_submission(submission.pk)
    submission.refresh_from_db()
    assert submission.status in (SubmissionStatus.SENT, SubmissionStatus.FAILED)
    assert caplog.records, "the pipeline logs its state changes"
    logged = "\n".join(caplog.messages) + "\n".join(r.getMessage() for r in caplog.records)
    for value in personal_strings():
        assert value not in logged, value
    if submission.status == SubmissionStatus.FAILED:
        # The operator still sees the full reply in the submission's history.
        assert "ada.private@example.com" in submission.last_error


def make(created_days_ago: float, with_pdf: bool = True) -> Submission:
    submission = Submission.objects.create(**PERSONAL)
    if with_pdf:
        submission.pdf.save(f"summaries/{submission.pk}.pdf", ContentFile(b"%PDF-1.7"), save=True)
    created = timezone.now() - timedelta(days=created_days_ago)
    Submission.objects.filter(pk=submission.pk).update(created_at=created)
    StoredFile.objects.filter(name=submission.pdf.name).update(created_at=created)
    return submission


def test_retention_deletes_answers_history_and_pdfs_past_the_period(settings):
    settings.RETENTION_DAYS = 30
    old, old_no_pdf, recent = make(31), make(45, with_pdf=False), make(29)
    assert delete_expired_submissions() == 2
    assert list(Submission.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not SubmissionEvent.objects.filter(submission_id__in=[old.pk, old_no_pdf.pk]).exists()
    assert list(StoredFile.objects.values_list("name", flat=True)) == [recent.pdf.name]


def test_retention_also_deletes_pdfs_whose_row_went_another_way(settings):
    settings.RETENTION_DAYS = 30
    orphan = make(40)
    Submission.objects.filter(pk=orphan.pk).delete()
    assert StoredFile.objects.filter(name=orphan.pdf.name).exists()
    delete_expired_submissions()
    assert not StoredFile.objects.exists()


def test_retention_of_zero_keeps_everything(settings):
    settings.RETENTION_DAYS = 0
    make(4000)
    assert delete_expired_submissions() == 0
    assert Submission.objects.count() == 1


def test_the_retention_job_is_in_the_beat_schedule():
    from core.celery import app
    from summaries import tasks

    entries = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert entries["summaries.tasks.delete_expired_submissions"]["schedule"] <= 24 * 3600
    assert "summaries.tasks.delete_expired_submissions" in app.tasks
    assert tasks.delete_expired_submissions.name == "summaries.tasks.delete_expired_submissions"
    # Housekeeping, like the sweep: not stuck behind a backlog of PDF jobs.
    assert app.amqp.router.route({}, tasks.delete_expired_submissions.name)["queue"].name == settings.SWEEP_QUEUE
