from datetime import timedelta

import pytest
from django.utils import timezone

from summaries.models import Submission, SubmissionStatus
from summaries.services.publishing import mark_enqueued
from summaries.services.sweep import stalled_submissions, sweep_stalled_submissions
from summaries.tests.factories import make_submission

pytestmark = pytest.mark.django_db


def test_it_publishes_a_row_whose_publish_failed(published):
    submission = make_submission(enqueued_at=None)
    assert sweep_stalled_submissions() == 1
    assert published == [submission.pk]
    submission.refresh_from_db()
    assert submission.enqueued_at is not None


def test_it_leaves_a_row_whose_message_is_fresh(published, settings):
    make_submission(enqueued_at=timezone.now())
    assert sweep_stalled_submissions() == 0
    assert published == []


def test_it_publishes_again_a_message_out_too_long(published, settings):
    old = timezone.now() - timedelta(seconds=settings.SUBMISSION_REQUEUE_AFTER_SECONDS + 1)
    submission = make_submission(enqueued_at=old)
    assert sweep_stalled_submissions() == 1
    assert published == [submission.pk]


def test_it_publishes_a_row_whose_lease_ran_out(published):
    submission = make_submission(
        status=SubmissionStatus.SENDING, lease_until=timezone.now() - timedelta(seconds=1), enqueued_at=None
    )
    assert sweep_stalled_submissions() == 1
    assert published == [submission.pk]


@pytest.mark.parametrize(
    "fields",
    [
        {"status": SubmissionStatus.SENT},
        {"status": SubmissionStatus.FAILED},
        {"status": SubmissionStatus.RENDERING, "lease_until": timezone.now() + timedelta(minutes=1)},
        {"status": SubmissionStatus.RENDERED, "next_attempt_at": timezone.now() + timedelta(minutes=1)},
    ],
)
def test_it_leaves_finished_leased_and_not_yet_due_rows(published, fields):
    make_submission(enqueued_at=None, **fields)
    assert sweep_stalled_submissions() == 0


def test_two_sweeps_publish_a_row_once(published):
    make_submission(enqueued_at=None)
    # Both sweeps saw the row as stalled; only the first takes it.
    seen_by_second = list(stalled_submissions().values_list("pk", "enqueued_at"))
    sweep_stalled_submissions()
    [(pk, enqueued_at)] = seen_by_second
    assert mark_enqueued([(pk, enqueued_at)]) == []
    assert len(published) == 1


def test_rows_are_taken_only_as_they_were_read():
    new = make_submission(enqueued_at=None)
    lost = make_submission(enqueued_at=timezone.now() - timedelta(hours=1))
    moved_on = make_submission(enqueued_at=None)
    read = [(new.pk, None), (lost.pk, lost.enqueued_at), (moved_on.pk, None)]
    Submission.objects.filter(pk=moved_on.pk).update(enqueued_at=timezone.now())  # another relay took it
    assert mark_enqueued(read) == [new.pk, lost.pk]
    new.refresh_from_db()
    lost.refresh_from_db()
    assert new.enqueued_at is not None
    assert lost.enqueued_at > timezone.now() - timedelta(minutes=1)


def test_a_failed_publish_leaves_the_row_for_the_next_sweep(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("broker down")

    monkeypatch.setattr("summaries.tasks.process_submission.apply_async", refuse)
    submission = make_submission(enqueued_at=None)
    assert sweep_stalled_submissions() == 0
    submission.refresh_from_db()
    assert submission.enqueued_at is None
