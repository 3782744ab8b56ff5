"""The relay: every worker publishes the rows the web committed, each once, and backs off a refusing broker."""

from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from summaries.models import SubmissionStatus
from summaries.services.relay import publish_new_submissions, unpublished_submissions
from summaries.tests.factories import make_submission
from summaries.worker_relay import PAUSE_AFTER_REFUSAL_SECONDS, Relay

pytestmark = pytest.mark.django_db


@pytest.fixture
def refusing_broker(broker):
    broker.refusing = True
    return broker.tried


def test_a_new_row_is_published_once_oldest_first(published):
    first = make_submission(enqueued_at=None)
    second = make_submission(enqueued_at=None)
    assert publish_new_submissions() == (2, True)
    assert published == [first.pk, second.pk]
    assert publish_new_submissions() == (0, True)
    first.refresh_from_db()
    assert first.enqueued_at is not None


def _statements_of_a_tick() -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        publish_new_submissions()
    return [query["sql"].split()[0] for query in captured]


def test_a_tick_takes_its_rows_with_one_update_however_many_there_are(published):
    make_submission(enqueued_at=None)
    for_one = _statements_of_a_tick()
    rows = [make_submission(enqueued_at=None) for _ in range(8)]
    for_eight = _statements_of_a_tick()
    assert for_one == for_eight
    assert for_eight.count("UPDATE") == 1
    assert published[1:] == [row.pk for row in rows]


def test_an_idle_tick_is_one_query(published, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert publish_new_submissions() == (0, True)


def test_a_retry_is_published_once_its_time_has_come(published):
    due = make_submission(status=SubmissionStatus.RENDERED, next_attempt_at=timezone.now() - timedelta(seconds=1))
    make_submission(status=SubmissionStatus.RENDERED, next_attempt_at=timezone.now() + timedelta(minutes=1))
    assert publish_new_submissions() == (1, True)
    assert published == [due.pk]


# Times are offsets from the moment the test runs, not from when the tests were collected.
@pytest.mark.parametrize(
    "fields",
    [
        {"enqueued_at": timedelta(0)},  # its message is out already
        {"status": SubmissionStatus.RENDERING, "lease_until": timedelta(minutes=1)},
        {"status": SubmissionStatus.SENT},
        {"status": SubmissionStatus.FAILED},
    ],
)
def test_rows_with_a_message_out_or_not_waiting_are_left_alone(published, fields):
    now = timezone.now()
    fields = {name: now + value if isinstance(value, timedelta) else value for name, value in fields.items()}
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


def test_a_failed_publish_drops_its_connection_without_a_goodbye(broker, refusing_broker):
    # RabbitMQ under a memory alarm never answers a close on a connection that published.
    make_submission(enqueued_at=None)
    publish_new_submissions()
    assert broker.collected == 1


# Outside a test transaction: a tick begins as the worker's timer does, by closing broken connections.
@pytest.mark.django_db(transaction=True)
def test_the_relay_rests_after_a_refusal_then_tries_again(broker, refusing_broker, monkeypatch):
    clock = [100.0]
    monkeypatch.setattr("summaries.worker_relay.time.monotonic", lambda: clock[0])
    make_submission(enqueued_at=None)
    relay = Relay(worker=None)
    relay.tick()
    clock[0] += PAUSE_AFTER_REFUSAL_SECONDS - 0.1
    relay.tick()  # within the pause: the broker is not tried again
    assert len(refusing_broker) == 1

    clock[0] += 0.2
    broker.refusing = False
    sent = broker.published
    relay.tick()
    assert len(sent) == 1 and unpublished_submissions().count() == 0


def test_after_a_database_failure_the_relay_lets_django_replace_the_connection(published, monkeypatch):
    checks = []
    monkeypatch.setattr("django.db.close_old_connections", lambda: checks.append(True))
    relay = Relay(worker=None)
    relay.tick()
    assert checks == [], "a tick that worked leaves the connection alone: an idle tick is one query"

    def database_gone():
        raise OperationalError("server closed the connection")

    monkeypatch.setattr("summaries.services.relay.publish_new_submissions", database_gone)
    relay.tick()
    assert checks == [True]
    assert relay.paused_until > 0
