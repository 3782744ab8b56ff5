"""PDFs kept outside the database: Django's FileSystemStorage through STORAGES, and nothing else changed.

How to switch (docs/growth.md): STORAGES["default"] names the storage the Submission's pdf field
uses. The worker saves through it, the status page serves from it, the retention job deletes
through it; an object store's backend (django-storages) works the same way.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from summaries.models import StoredFile, Submission
from summaries.services import pipeline, retention
from summaries.tasks import process_submission
from summaries.tests.factories import make_submission

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7 rendered for the disk"


@pytest.fixture
def pdfs_on_disk(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    return tmp_path


def test_a_rendered_pdf_is_written_to_the_disk_served_and_sent(pdfs_on_disk, monkeypatch, client):
    monkeypatch.setattr(pipeline, "render_summary_pdf", lambda submission: PDF)
    submission = make_submission()

    process_submission(submission.pk)

    submission.refresh_from_db()
    assert submission.status == "sent"
    assert (pdfs_on_disk / submission.pdf.name).read_bytes() == PDF
    assert not StoredFile.objects.exists()
    assert mail.outbox[0].attachments[0][1] == PDF
    response = client.get(f"/s/{submission.token}/summary.pdf")
    assert b"".join(response.streaming_content) == PDF


def test_retention_deletes_the_files_from_the_disk(pdfs_on_disk, monkeypatch, settings):
    settings.RETENTION_DAYS, settings.PDF_RETENTION_DAYS = 30, 7
    monkeypatch.setattr(pipeline, "render_summary_pdf", lambda submission: PDF)
    monkeypatch.setattr(retention, "pause_between_batches", lambda: None)
    old_pdf, expired = make_submission(), make_submission()
    for submission, days in ((old_pdf, 8), (expired, 31)):
        process_submission(submission.pk)
        Submission.objects.filter(pk=submission.pk).update(created_at=timezone.now() - timedelta(days=days))
    names = dict(Submission.objects.values_list("pk", "pdf"))

    assert retention.delete_expired_submissions() == 1

    assert not (pdfs_on_disk / names[old_pdf.pk]).exists()
    assert not (pdfs_on_disk / names[expired.pk]).exists()
    old_pdf.refresh_from_db()
    assert old_pdf.pdf.name == "" and old_pdf.pdf_removed_at is not None
