"""The retention job: in short batches that let a submit in between, and PDFs gone before the answers."""

import sqlite3
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from summaries.models import StoredFile, Submission, SubmissionEvent, SubmissionStatus
from summaries.services import retention
from summaries.services.claims import record_event
from summaries.services.status import status_payload
from summaries.tests.factories import make_submission


def make(days_ago: float, *, status: str = SubmissionStatus.SENT, with_pdf: bool = True) -> Submission:
    submission = make_submission(status=status)
    record_event(submission.pk, status=status)
    if with_pdf:
        submission.pdf.save(f"summaries/{submission.pk}.pdf", ContentFile(b"%PDF-1.7 summary"), save=True)
    Submission.objects.filter(pk=submission.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return submission


@pytest.fixture
def between_batches(monkeypatch) -> list[dict]:
    """What another connection sees each time the job pauses between two batches."""
    seen = []

    def look() -> None:
        seen.append(
            {
                "in_transaction": connection.in_atomic_block,
                "submissions": Submission.objects.count(),
                "pdfs": Submission.objects.exclude(pdf="").count(),
            }
        )

    monkeypatch.setattr(retention, "BATCH_SIZE", 2)
    monkeypatch.setattr(retention, "pause_between_batches", look)
    return seen


@pytest.mark.django_db(transaction=True)
def test_expired_submissions_go_in_batches_each_committed_before_the_next(settings, between_batches):
    settings.RETENTION_DAYS, settings.PDF_RETENTION_DAYS = 30, 0
    for _ in range(5):
        make(31)
    kept = make(1)

    assert retention.delete_expired_submissions() == 5

    # A pause after each full batch (more may follow), none after the last, short one.
    assert [look["submissions"] for look in between_batches] == [4, 2]
    assert not any(look["in_transaction"] for look in between_batches)
    assert list(Submission.objects.values_list("pk", flat=True)) == [kept.pk]
    assert list(StoredFile.objects.values_list("name", flat=True)) == [kept.pdf.name]
    assert set(SubmissionEvent.objects.values_list("submission_id", flat=True)) == {kept.pk}


@pytest.mark.django_db(transaction=True)
def test_a_submit_gets_the_write_lock_between_two_batches(settings, between_batches, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's single write lock is what a submit could wait on; PostgreSQL locks rows")
    settings.RETENTION_DAYS, settings.PDF_RETENTION_DAYS = 30, 0
    for _ in range(4):
        make(31)
    inserted = []

    def submit_from_another_connection() -> None:
        # No busy timeout: the insert fails at once if the job still held the write lock.
        other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, uri=True)
        try:
            other.execute(
                "INSERT INTO summaries_submission (email, name, about, hobby, color, saying, dream_job, token, status,"
                " attempts, last_error, lease_owner, pdf, created_at, updated_at)"
                " VALUES ('new@example.com', 'New', '-', '-', 'Red', '', '', ?, 'received', 0, '', '', '',"
                " datetime('now'), datetime('now'))",
                [f"token-{len(inserted)}"],
            )
            other.commit()
            inserted.append(True)
        finally:
            other.close()

    monkeypatch.setattr(retention, "pause_between_batches", submit_from_another_connection)

    assert retention.delete_expired_submissions() == 4

    assert len(inserted) == 2
    assert Submission.objects.filter(email="new@example.com").count() == 2


@pytest.mark.django_db
def test_pdfs_of_finished_submissions_go_after_pdf_retention_days_and_the_answers_stay(settings):
    settings.RETENTION_DAYS, settings.PDF_RETENTION_DAYS = 30, 7
    old, failed, recent = make(8), make(8, status=SubmissionStatus.FAILED), make(6)
    still_to_send = make(8, status=SubmissionStatus.RENDERED)

    assert retention.remove_old_pdfs() == 2

    for submission in (old, failed):
        submission.refresh_from_db()
        assert (submission.pdf.name, submission.pdf_removed_at is not None) == ("", True)
    for submission in (recent, still_to_send):
        submission.refresh_from_db()
        assert submission.pdf and submission.pdf_removed_at is None
    assert set(StoredFile.objects.values_list("name", flat=True)) == {recent.pdf.name, still_to_send.pdf.name}
    assert Submission.objects.count() == 4


@pytest.mark.django_db
def test_the_status_page_says_when_the_pdf_was_removed(settings, client):
    settings.PDF_RETENTION_DAYS = 7
    submission = make(8)
    retention.remove_old_pdfs()
    submission.refresh_from_db()

    payload = status_payload(submission)
    page = client.get(f"/s/{submission.token}/").content.decode()

    assert payload["pdf_url"] is None
    assert payload["pdf_removed_at"] == submission.pdf_removed_at.isoformat()
    assert "deleted from this site on" in payload["message"]
    assert "deleted from this site on" in page
    assert client.get(f"/s/{submission.token}/summary.pdf").status_code == 404


@pytest.mark.django_db
def test_pdf_retention_of_zero_keeps_the_pdf_with_the_answers(settings):
    settings.RETENTION_DAYS, settings.PDF_RETENTION_DAYS = 30, 0
    submission = make(29)

    assert retention.remove_old_pdfs() == 0

    submission.refresh_from_db()
    assert submission.pdf and StoredFile.objects.filter(name=submission.pdf.name).exists()
