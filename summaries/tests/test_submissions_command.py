"""`manage.py submissions`: counts, retry-failed and requeue-stuck, against the real filesystem broker."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from summaries.models import Submission, SubmissionStatus
from summaries.services.relay import publish_new_submissions, unpublished_submissions

pytestmark = pytest.mark.django_db

ANSWERS = {"email": "ada@example.com", "name": "Ada", "about": "Engines.", "hobby": "Maths", "color": "Purple"}


def make(status: str, **fields) -> Submission:
    return Submission.objects.create(**ANSWERS, status=status, **fields)


def run(*args: str) -> str:
    out = StringIO()
    call_command("submissions", *args, stdout=out)
    return out.getvalue()


def broker_messages() -> int:
    return sum(1 for _ in (settings.DATA_DIR / "broker" / "queue").glob("*.msg"))


def test_counts_shows_every_status_and_the_oldest_unfinished_submission(monkeypatch):
    make(SubmissionStatus.SENT)
    oldest = make(SubmissionStatus.RECEIVED)
    now = timezone.now()
    Submission.objects.filter(pk=oldest.pk).update(created_at=now - timedelta(minutes=3, seconds=5))
    make(SubmissionStatus.FAILED)
    # The command reads the waiting time at this instant, however long the test took to get here.
    monkeypatch.setattr(timezone, "now", lambda: now)

    output = run("counts")

    counts = dict(line.split() for line in output.splitlines()[: len(SubmissionStatus.values)])
    assert counts == {status: "0" for status in SubmissionStatus.values} | {"received": "1", "sent": "1", "failed": "1"}
    assert f"Oldest unfinished: submission {oldest.pk} (received), waiting 3m 05s." in output
    assert "Stuck now (requeue-stuck would publish): 1" in output


def test_counts_says_when_nothing_is_waiting():
    make(SubmissionStatus.SENT)
    assert "Nothing is waiting." in run("counts")


def test_retry_failed_reopens_every_failed_submission_where_it_stopped_for_the_relay_to_publish(
    django_capture_on_commit_callbacks,
):
    failed_render = make(SubmissionStatus.FAILED, attempts=8, last_error="Rendering failed")
    failed_send = make(SubmissionStatus.FAILED, attempts=8, last_error="550 No such user")
    failed_send.pdf.save(f"summaries/{failed_send.pk}.pdf", ContentFile(b"%PDF-1.7"), save=True)
    sent = make(SubmissionStatus.SENT)
    messages_before = broker_messages()

    with django_capture_on_commit_callbacks(execute=True):
        output = run("retry-failed")

    assert f"Retrying 2 submission(s): {failed_render.pk}, {failed_send.pk}." in output
    failed_render.refresh_from_db()
    failed_send.refresh_from_db()
    assert (failed_render.status, failed_render.attempts) == (SubmissionStatus.RECEIVED, 0)
    assert (failed_send.status, failed_send.attempts) == (SubmissionStatus.RENDERED, 0)
    assert broker_messages() == messages_before
    assert set(unpublished_submissions()) == {failed_render, failed_send}
    assert publish_new_submissions() == (2, True)
    assert broker_messages() == messages_before + 2
    assert Submission.objects.get(pk=sent.pk).status == SubmissionStatus.SENT
    assert failed_send.events.last().detail == "retry requested"


def test_retry_failed_with_ids_touches_only_those_and_says_which_were_not_failed(django_capture_on_commit_callbacks):
    chosen = make(SubmissionStatus.FAILED)
    other = make(SubmissionStatus.FAILED)
    sent = make(SubmissionStatus.SENT)

    with django_capture_on_commit_callbacks(execute=True):
        output = run("retry-failed", "--id", str(chosen.pk), str(sent.pk))

    assert f"Submission {sent.pk} is sent, not failed: left alone." in output
    assert f"Retrying 1 submission(s): {chosen.pk}." in output
    assert Submission.objects.get(pk=chosen.pk).status == SubmissionStatus.RECEIVED
    assert Submission.objects.get(pk=other.pk).status == SubmissionStatus.FAILED


def test_retry_failed_with_an_unknown_id_changes_nothing():
    failed = make(SubmissionStatus.FAILED)

    with pytest.raises(CommandError, match="No submission with id 999999"):
        run("retry-failed", "--id", str(failed.pk), "999999")

    assert Submission.objects.get(pk=failed.pk).status == SubmissionStatus.FAILED


def test_retry_failed_with_nothing_failed_says_so():
    make(SubmissionStatus.SENT)
    assert "No failed submissions to retry." in run("retry-failed")


def test_requeue_stuck_publishes_what_the_sweep_would_and_nothing_else():
    unpublished = make(SubmissionStatus.RECEIVED)
    just_published = make(SubmissionStatus.RECEIVED, enqueued_at=timezone.now())
    abandoned = make(SubmissionStatus.SENDING, lease_owner="gone", lease_until=timezone.now() - timedelta(seconds=1))
    make(SubmissionStatus.SENT)
    messages_before = broker_messages()

    output = run("requeue-stuck")

    assert "Published 2 stuck submission(s)." in output
    assert broker_messages() == messages_before + 2
    assert Submission.objects.get(pk=unpublished.pk).enqueued_at is not None
    assert Submission.objects.get(pk=abandoned.pk).enqueued_at is not None
    assert Submission.objects.get(pk=just_published.pk).enqueued_at == just_published.enqueued_at


def test_an_unknown_action_is_refused():
    with pytest.raises(CommandError):
        run("purge")
