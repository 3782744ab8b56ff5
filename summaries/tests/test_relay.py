"""The relay: every worker publishes the rows the web committed, each once, and backs off a refusing broker."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from summaries.models import SubmissionStatus
from summaries.services.sweep import publish_new_submissions, unpublished_submissions
from summaries.tests.factories import make_submission
from summaries.worker_relay import PAUSE_AFTER_REFUSAL_SECONDS, Relay

pytestmark = pytest.mark.django_db


@pytest.fixture
def refusing_broker(monkeypatch):
    tries = []

    def refuse(args, **kwargs):
        tries.append(args[0])
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr("summaries.tasks.process_submission.apply_async", refuse)
    return tries


def test_a_new_row_is_published_once_oldest_first(published):
    first = make_submission(enqueued_at=None)
    second = make_submission(enqueued_at=None)
    assert publish_new_submissions() == (2, True)
    assert published == [first.pk, second.pk]
    assert publish_new_submissions() == (0, True)
    first.refresh_from_db()
    assert first.enqueued_at is not None


def test_a_tick_takes_its_rows_with_one_statement(published, django_assert_num_queries):
    rows = [make_submission(enqueued_at=None) for _ in range(5)]
    # The query for new rows, then one UPDATE that takes them all (not one per row).
    with django_assert_num_queries(2):
        assert publish_new_submissions() == (5, True)
    assert published == [row.pk for row in rows]


def test_a_retry_is_published_once_its_time_has_come(published):
    due = make_submission(status=SubmissionStatus.RENDERED, next_attempt_at=timezone.now() - timedelta(seconds=1))
    make_submission(status=SubmissionStatus.RENDERED, next_attempt_at=timezone.now() + timedelta(minutes=1))
    assert publish_new_submissions() == (1, True)
    assert published == [due.pk]


@pytest.mark.parametrize(
    "fields",
    [
        {"enqueued_at": timezone.now()},  # its message is out already
        {"status": SubmissionStatus.RENDERING, "lease_until": timezone.now() + timedelta(minutes=1)},
        {"status": SubmissionStatus.SENT},
        {"status": SubmissionStatus.FAILED},
    ],
)
def test_rows_with_a_message_out_or_not_waiting_are_left_alone(published, fields):
    make_submission(**{"enqueued_at": None, **fields})
    assert publish_new_submissions() == (0, True)
    assert published == []


def test_two_workers_publish_a_row_once(published):
    make_submission(enqueued_at=None)
    seen_by_second = list(unpublished_submissions().values_list("pk", "enqueued_at"))
    publish_new_submissions()
    assert len(seen_by_second) == 1
    # The second relay's conditional update finds the row taken: it publishes nothing.
    assert publish_new_submissions() == (0, True)
    assert len(published) == 1


def test_a_refusing_broker_is_tried_once_per_tick_and_the_rows_stay_waiting(refusing_broker):
    rows = [make_submission(enqueued_at=None) for _ in range(3)]
    assert publish_new_submissions() == (0, False)
    assert refusing_broker == [rows[0].pk]
    assert unpublished_submissions().count() == 3


# Outside a test transaction: a tick begins as the worker's timer does, by closing broken connections.
@pytest.mark.django_db(transaction=True)
def test_the_relay_rests_after_a_refusal_then_tries_again(refusing_broker, monkeypatch):
    make_submission(enqueued_at=None)
    relay = Relay(worker=None)
    relay.tick()
    relay.tick()  # within the pause: the broker is not tried again
    assert len(refusing_broker) == 1

    relay.paused_until = 0.0
    sent = []
    monkeypatch.setattr("summaries.tasks.process_submission.apply_async", lambda args, **kw: sent.append(args[0]))
    relay.tick()
    assert len(sent) == 1 and unpublished_submissions().count() == 0


def test_the_relay_checks_its_database_connection_once_a_second_and_after_a_failure(published, monkeypatch):
    checks = []
    monkeypatch.setattr("django.db.close_old_connections", lambda: checks.append(True))
    clock = [100.0]
    monkeypatch.setattr("summaries.worker_relay.time.monotonic", lambda: clock[0])
    relay = Relay(worker=None)
    for _ in range(10):  # ten ticks within one second: one check
        relay.tick()
        clock[0] += 0.05
    assert len(checks) == 1
    clock[0] += 0.6
    relay.tick()
    assert len(checks) == 2

    def database_gone():
        raise OperationalError("server closed the connection")

    monkeypatch.setattr("summaries.services.sweep.publish_new_submissions", database_gone)
    relay.tick()  # fails, and rests
    clock[0] += PAUSE_AFTER_REFUSAL_SECONDS
    relay.tick()  # checks the connection before it queries again
    assert len(checks) == 3
