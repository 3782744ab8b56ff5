"""Leases and due times are judged by the database's clock, not by the worker's own (which
these tests shift by five minutes, as a host whose clock is off would see it)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from summaries.models import Submission, SubmissionStatus
from summaries.services.claims import claim
from summaries.services.database_clock import database_now
from summaries.services.relay import unpublished_submissions
from summaries.services.sweep import stalled_submissions
from summaries.tests.factories import make_submission

pytestmark = pytest.mark.django_db

S = SubmissionStatus
REAL_NOW = timezone.now


@pytest.fixture(params=[-5, 5], ids=["behind", "ahead"])
def shifted_clock(request, monkeypatch):
    """This host's clock, off by five minutes either way."""
    shift = timedelta(minutes=request.param)
    monkeypatch.setattr(timezone, "now", lambda: REAL_NOW() + shift)
    return shift


def test_the_database_tells_its_time():
    assert abs(database_now() - REAL_NOW()) < timedelta(seconds=5)


def test_a_live_lease_cannot_be_taken_by_a_host_whose_clock_is_off(shifted_clock):
    live = make_submission(status=S.RENDERING, lease_owner="alive", lease_until=REAL_NOW() + timedelta(minutes=1))
    assert claim(live.pk, waiting=S.RECEIVED, leased=S.RENDERING) is None
    assert not stalled_submissions().filter(pk=live.pk).exists()


def test_a_lease_written_by_a_host_whose_clock_is_off_runs_out_by_the_database_clock(shifted_clock, settings):
    taken = claim(make_submission().pk, waiting=S.RECEIVED, leased=S.RENDERING)
    lease = Submission.objects.get(pk=taken.submission.pk).lease_until
    expected = REAL_NOW() + timedelta(seconds=settings.SUBMISSION_LEASE_SECONDS)
    assert abs(lease - expected) < timedelta(seconds=5), (lease, expected)


def test_a_retry_is_due_by_the_database_clock(shifted_clock):
    waiting = make_submission(next_attempt_at=REAL_NOW() + timedelta(minutes=1))
    due = make_submission(next_attempt_at=REAL_NOW() - timedelta(seconds=1))
    assert list(unpublished_submissions()) == [due]
    assert claim(waiting.pk, waiting=S.RECEIVED, leased=S.RENDERING) is None
    assert claim(due.pk, waiting=S.RECEIVED, leased=S.RENDERING) is not None


def test_a_message_is_presumed_lost_by_the_database_clock(shifted_clock, settings):
    requeue = timedelta(seconds=settings.SUBMISSION_REQUEUE_AFTER_SECONDS)
    recent = make_submission(enqueued_at=REAL_NOW() - requeue + timedelta(seconds=30))
    lost = make_submission(enqueued_at=REAL_NOW() - requeue - timedelta(seconds=30))
    assert list(stalled_submissions()) == [lost]
    assert recent.pk != lost.pk
