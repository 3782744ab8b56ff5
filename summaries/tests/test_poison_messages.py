"""Bad messages are dropped with a log line that holds none of their content (the fault suite
plays them on a real Redis queue: tests/faults/test_poison_messages.py)."""

import json
from queue import Empty

import pytest
from kombu.transport import redis as kombu_redis

from summaries.compat.redis_stray_messages import Channel, NotAKombuMessage, Transport
from summaries.services import pipeline
from summaries.worker_consumer import Consumer

PERSONAL = "ada.lovelace@example.com"


class FakeMessage:
    def __init__(self, body: bytes, headers: dict):
        self.body = body
        self.headers = headers
        self.delivery_info = {"routing_key": "summaries"}
        self.settled = []

    def ack(self):
        self.settled.append("ack")

    def reject_log_error(self, logger, errors):
        self.settled.append("reject")


@pytest.fixture
def consumer():
    consumer = Consumer.__new__(Consumer)
    consumer.connection_errors = ()
    return consumer


def poison() -> FakeMessage:
    headers = {"task": "summaries.tasks.email_everyone", "id": "abc", "argsrepr": repr([PERSONAL])}
    return FakeMessage(json.dumps([[PERSONAL], {}, {}]).encode(), headers)


def test_an_unknown_task_is_rejected_and_logged_by_name_without_its_content(consumer, caplog):
    message = poison()
    consumer.on_unknown_task(None, message, KeyError("summaries.tasks.email_everyone"))
    assert message.settled == ["reject"]
    assert "task=summaries.tasks.email_everyone id=abc queue=summaries" in caplog.text
    assert PERSONAL not in caplog.text


def test_an_undecodable_message_is_acknowledged_and_logged_without_its_content(consumer, caplog):
    message = poison()
    consumer.on_decode_error(message, ValueError(f"bad {PERSONAL}"))
    assert message.settled == ["ack"]
    assert "cannot be decoded (ValueError)" in caplog.text
    assert PERSONAL not in caplog.text


def test_an_envelope_without_kombu_properties_is_refused_before_kombu_reads_it():
    with pytest.raises(NotAKombuMessage):
        Transport._deliver(Transport.__new__(Transport), {"email": PERSONAL}, "summaries")


def test_a_message_that_breaks_the_read_is_dropped_as_no_message(monkeypatch, caplog):
    def unreadable(self, **options):
        raise json.JSONDecodeError("Expecting value", PERSONAL, 0)

    monkeypatch.setattr(kombu_redis.Channel, "_brpop_read", unreadable)
    channel = Channel.__new__(Channel)
    channel.connection = Transport.__new__(Transport)
    channel.connection.connection_errors, channel.connection.channel_errors = (ConnectionError,), ()
    with pytest.raises(Empty):
        channel._brpop_read()
    assert "not a kombu message: JSONDecodeError" in caplog.text and PERSONAL not in caplog.text


@pytest.mark.django_db
def test_a_message_for_a_row_that_does_not_exist_is_logged(caplog):
    pipeline.process_submission(2_000_000_000)
    assert "submission=2000000000 does not exist" in caplog.text


def test_a_submission_id_that_is_not_a_number_is_logged_by_type_only(caplog):
    pipeline.process_submission(PERSONAL)
    assert "is a str, not a number" in caplog.text and PERSONAL not in caplog.text
