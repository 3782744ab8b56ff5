"""From rendered straight on to sending: one conditional update records both, in the transaction
that keeps the PDF, and the PDF that was just rendered is the one sent, without reading it back."""

import pytest
from django.core import mail
from django.core.files.base import ContentFile

from summaries.models import StoredFile, Submission, SubmissionStatus
from summaries.services import pipeline
from summaries.services.claims import claim, hand_over
from summaries.storage import DatabaseStorage
from summaries.tasks import process_submission
from summaries.tests.factories import make_submission

pytestmark = pytest.mark.django_db


def _claimed_for_rendering(**overrides):
    submission = make_submission(**overrides)
    return claim(submission.pk, waiting=SubmissionStatus.RECEIVED, leased=SubmissionStatus.RENDERING)


def test_the_hand_over_leases_the_row_for_sending_and_records_both_steps():
    rendering = _claimed_for_rendering(last_error="an earlier render failed")
    sending = hand_over(rendering, done=SubmissionStatus.RENDERED, then=SubmissionStatus.SENDING, last_error="")
    row = Submission.objects.get()
    assert row.status == SubmissionStatus.SENDING
    assert row.lease_owner == sending.owner != rendering.owner
    assert row.lease_until is not None
    assert row.attempts == 1
    assert row.last_error == ""
    assert [(e.status, e.detail) for e in row.events.all()] == [
        ("rendering", "attempt 1"),
        ("rendered", ""),
        ("sending", "attempt 1"),
    ]


def test_the_claim_it_returns_describes_the_row_as_written():
    rendering = _claimed_for_rendering()
    sending = hand_over(rendering, done=SubmissionStatus.RENDERED, then=SubmissionStatus.SENDING, pdf="summaries/x.pdf")
    row = Submission.objects.get()
    for field in ("status", "lease_owner", "lease_until", "attempts", "next_attempt_at", "enqueued_at", "updated_at"):
        assert getattr(sending.submission, field) == getattr(row, field), field
    assert sending.submission.pdf.name == row.pdf.name == "summaries/x.pdf"


def test_a_hand_over_after_losing_the_lease_changes_nothing():
    rendering = _claimed_for_rendering()
    Submission.objects.update(lease_owner="the worker that took over")
    assert hand_over(rendering, done=SubmissionStatus.RENDERED, then=SubmissionStatus.SENDING) is None
    row = Submission.objects.get()
    assert (row.status, row.lease_owner) == (SubmissionStatus.RENDERING, "the worker that took over")
    assert [e.status for e in row.events.all()] == ["rendering"]


def test_the_rendered_pdf_is_sent_without_reading_it_back(monkeypatch):
    monkeypatch.setattr(pipeline, "render_summary_pdf", lambda submission: b"%PDF-1.7 this very render")
    monkeypatch.setattr(DatabaseStorage, "_open", lambda *args, **kwargs: pytest.fail("the PDF was read back"))
    process_submission(make_submission().pk)
    [message] = mail.outbox
    assert message.attachments[0][1] == b"%PDF-1.7 this very render"
    assert bytes(StoredFile.objects.get().content) == b"%PDF-1.7 this very render"


def test_a_send_retried_later_reads_the_stored_pdf(monkeypatch):
    submission = make_submission(status=SubmissionStatus.RENDERED, pdf="summaries/1.pdf")
    StoredFile.objects.create(name="summaries/1.pdf", content=b"%PDF-1.7 stored", size=15)
    monkeypatch.setattr(pipeline, "render_summary_pdf", lambda s: pytest.fail("rendered again"))
    process_submission(submission.pk)
    [message] = mail.outbox
    assert message.attachments[0][1] == b"%PDF-1.7 stored"


def test_saving_a_pdf_under_a_taken_name_replaces_it():
    storage = DatabaseStorage()
    assert storage.save("summaries/7.pdf", ContentFile(b"first")) == "summaries/7.pdf"
    assert storage.save("summaries/7.pdf", ContentFile(b"second")) == "summaries/7.pdf"
    [stored] = StoredFile.objects.all()
    assert (bytes(stored.content), stored.size) == (b"second", 6)


@pytest.mark.django_db(transaction=True)
def test_a_job_from_received_to_sent_takes_few_statements(monkeypatch, django_assert_num_queries):
    # Outside any test transaction, as in a worker. Claim: one update that returns the row, its
    # history. Render: the PDF (one upsert), the hand-over, both steps' history in one insert, in
    # one transaction. Before the send, the suppression list, then one look that the row is still
    # ours (not erased). Sent: update, history. Three short transactions, no savepoints.
    monkeypatch.setattr(pipeline, "render_summary_pdf", lambda submission: b"%PDF-1.7")
    submission = make_submission()
    with django_assert_num_queries(15) as captured:
        process_submission(submission.pk)
    assert [query["sql"].split()[0] for query in captured] == [
        *("BEGIN", "UPDATE", "INSERT", "COMMIT"),
        *("BEGIN", "INSERT", "UPDATE", "INSERT", "COMMIT"),
        "SELECT",  # the suppression list, just before the send
        "SELECT",  # still ours: not erased, not taken over
        *("BEGIN", "UPDATE", "INSERT", "COMMIT"),
    ]
    assert Submission.objects.get().status == SubmissionStatus.SENT


def test_a_pdf_name_that_climbs_out_of_its_folder_is_refused():
    from django.core.exceptions import SuspiciousFileOperation

    with pytest.raises(SuspiciousFileOperation):
        DatabaseStorage().save("summaries/../../etc/passwd", ContentFile(b"x"))
    assert not StoredFile.objects.exists()


def test_with_another_storage_the_pdf_is_saved_there_before_the_hand_over(settings, monkeypatch):
    # docs/deploy.md says how to keep PDFs in object storage instead: the hand-over then only names the file.
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    monkeypatch.setattr(pipeline, "render_summary_pdf", lambda submission: b"%PDF-1.7 elsewhere")
    submission = make_submission()
    process_submission(submission.pk)
    row = Submission.objects.get()
    assert row.status == SubmissionStatus.SENT
    with row.pdf.open("rb") as stored:
        assert stored.read() == b"%PDF-1.7 elsewhere"
    assert not StoredFile.objects.exists()
