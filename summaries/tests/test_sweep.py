from datetime import timedelta

import pytest
from django.utils import timezone

from summaries.models import Submission, SubmissionStatus
from summaries.services import publishing
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


# Times are given as offsets from now and made absolute when the test runs: a time taken when the
# tests are collected would have run out by the time a long run reaches this test.
@pytest.mark.parametrize(
    "fields",
    [
        {"status": SubmissionStatus.SENT},
        {"status": SubmissionStatus.FAILED},
        {"status": SubmissionStatus.RENDERING, "lease_until": timedelta(minutes=1)},
        {"status": SubmissionStatus.RENDERED, "next_attempt_at": timedelta(minutes=1)},
    ],
)
def test_it_leaves_finished_leased_and_not_yet_due_rows(published, fields):
    now = timezone.now()
    fields = {name: now + value if isinstance(value, timedelta) else value for name, value in fields.items()}
    make_submission(enqueued_at=None, **fields)
    assert sweep_stalled_submissions() == 0


def test_two_sweeps_publish_a_row_once(published):
    make_submission(enqueued_at=None)
    assert sweep_stalled_submissions() == 1
    assert sweep_stalled_submissions() == 0
    assert len(published) == 1


def test_a_row_another_relay_took_between_the_read_and_the_lock_is_left_to_it(published, monkeypatch):
    taken_meanwhile = make_submission(enqueued_at=None)
    still_waiting = make_submission(enqueued_at=None)
    lock_and_take = publishing.transaction.atomic

    def another_relay_takes_one_first(*args, **kwargs):
        Submission.objects.filter(pk=taken_meanwhile.pk).update(enqueued_at=timezone.now())
        return lock_and_take(*args, **kwargs)

    monkeypatch.setattr(publishing.transaction, "atomic", another_relay_takes_one_first)
    assert publishing.take_for_publishing(stalled_submissions(), limit=10) == [still_waiting.pk]


def test_a_row_whose_message_was_lost_is_taken_again_and_marked_as_published_now():
    lost = make_submission(enqueued_at=timezone.now() - timedelta(hours=1))
    assert publishing.take_for_publishing(stalled_submissions(), limit=10) == [lost.pk]
    lost.refresh_from_db()
    assert lost.enqueued_at > timezone.now() - timedelta(minutes=1)


def test_a_failed_publish_leaves_the_row_for_the_next_sweep(broker):
    broker.refusing = True
    submission = make_submission(enqueued_at=None)
    assert sweep_stalled_submissions() == 0
    submission.refresh_from_db()
    assert submission.enqueued_at is None
