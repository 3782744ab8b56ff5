"""The embedded broker delivers every message whole while it is being written to."""

import os
import threading

import pytest
from kombu import Exchange, Queue

from core.celery import app
from core.filesystem_broker import Transport


def test_the_embedded_broker_uses_the_atomic_transport():
    with app.connection_for_write() as connection:
        assert isinstance(connection.transport, Transport)


def test_messages_published_during_a_busy_read_all_arrive_whole(settings, tmp_path):
    folder = str(tmp_path)
    options = {"data_folder_in": folder, "data_folder_out": folder, "control_folder": folder, "polling_interval": 0}
    queue = Queue("burst", Exchange("burst"), "burst")
    total = 400

    def publish_all():
        with app.connection_for_write(transport_options=options) as connection:
            producer = connection.Producer()
            for number in range(total):
                producer.publish(
                    {"n": number, "pad": "x" * 20000}, exchange=queue.exchange, routing_key="burst", declare=[queue]
                )

    writer = threading.Thread(target=publish_all)
    received, errors = [], []
    with app.connection_for_write(transport_options=options) as connection:
        reader = connection.SimpleQueue(queue)
        writer.start()
        while len(received) + len(errors) < total:
            try:
                message = reader.get(timeout=10)
            except reader.Empty:
                break
            except ValueError as exc:  # a half-written file fails to decode
                errors.append(exc)
                continue
            received.append(message.payload["n"])
            message.ack()
        writer.join()
    assert errors == []
    assert sorted(received) == list(range(total))


def test_an_ack_wakes_a_consumer_waiting_out_a_long_polling_interval(tmp_path):
    # With prefetch 1 the second message may only be taken once the first is acknowledged. The
    # polling interval is an hour: without the wake-up the drain below sleeps through it (the
    # join gives up long before), with it the second message arrives as soon as the first is acked.
    folder = str(tmp_path)
    options = {"data_folder_in": folder, "data_folder_out": folder, "control_folder": folder, "polling_interval": 3600}
    queue = Queue("wake", Exchange("wake"), "wake")
    with app.connection_for_write(transport_options=options) as connection:
        producer = connection.Producer()
        for number in range(2):
            producer.publish({"n": number}, exchange=queue.exchange, routing_key="wake", declare=[queue])
        received = []
        consumer = connection.Consumer([queue], callbacks=[lambda body, message: received.append(message)])
        consumer.qos(prefetch_count=1)
        with consumer:
            connection.drain_events()
            [first] = received
            drainer = threading.Thread(target=connection.drain_events, daemon=True)
            drainer.start()
            first.ack()
            drainer.join(timeout=60)
            assert not drainer.is_alive(), "the consumer slept through the ack"
    assert sorted(message.payload["n"] for message in received) == [0, 1]


def test_each_queue_gets_its_own_messages_in_order_and_leaves_the_others(tmp_path):
    folder = str(tmp_path)
    options = {"data_folder_in": folder, "data_folder_out": folder, "control_folder": folder, "polling_interval": 0}
    jobs, sweeps, dotted = (Queue(name, Exchange(name), name) for name in ("jobs", "sweeps", "x.sweeps"))
    with app.connection_for_write(transport_options=options) as connection:
        producer = connection.Producer()
        for number in range(3):
            for queue in (jobs, sweeps, dotted):
                producer.publish({"n": number}, exchange=queue.exchange, routing_key=queue.name, declare=[queue])
        taken = {}
        for queue in (sweeps, jobs, dotted):
            reader = connection.SimpleQueue(queue)
            taken[queue.name] = []
            while True:
                try:
                    message = reader.get(timeout=0.5)
                except reader.Empty:
                    break
                taken[queue.name].append(message.payload["n"])
                message.ack()
    assert taken == {"sweeps": [0, 1, 2], "jobs": [0, 1, 2], "x.sweeps": [0, 1, 2]}


def _options(folder, interval=0):
    return {"data_folder_in": folder, "data_folder_out": folder, "control_folder": folder, "polling_interval": interval}


def _publish(connection, queue, numbers):
    producer = connection.Producer()
    for number in numbers:
        producer.publish({"n": number}, exchange=queue.exchange, routing_key=queue.name, declare=[queue])


def test_a_backlog_is_read_oldest_first_and_nothing_is_left_behind(tmp_path):
    folder = str(tmp_path)
    queue = Queue("backlog", Exchange("backlog"), "backlog")
    with app.connection_for_write(transport_options=_options(folder)) as connection:
        _publish(connection, queue, range(20))
        reader = connection.SimpleQueue(queue)
        received = []
        for _ in range(20):
            message = reader.get(timeout=5)
            received.append(message.payload["n"])
            message.ack()
    assert received == list(range(20))
    # Nothing is left behind in the queue folder: each message was removed once read.
    assert [name for name in os.listdir(folder) if ".msg" in name] == []
    assert os.listdir(tmp_path / "taken") == []


def test_consumers_sharing_a_folder_each_take_a_message_once_and_see_later_ones(tmp_path):
    folder = str(tmp_path)
    queue = Queue("shared", Exchange("shared"), "shared")
    with (
        app.connection_for_write(transport_options=_options(folder)) as first,
        app.connection_for_write(transport_options=_options(folder)) as second,
    ):
        _publish(first, queue, range(3))
        readers = {"first": first.SimpleQueue(queue), "second": second.SimpleQueue(queue)}
        taken = []

        def take(name):
            message = readers[name].get(timeout=1)
            message.ack()
            taken.append((name, message.payload["n"]))

        take("first")  # lists 0, 1, 2 and keeps 1 and 2 for later
        take("second")  # lists 1, 2 and takes 1, which the first still has listed
        take("first")  # skips 1, takes 2
        _publish(first, queue, [3])
        take("first")  # its listing is used up: lists again and finds 3
        with pytest.raises(readers["second"].Empty):
            readers["second"].get(timeout=0.2)
    assert taken == [("first", 0), ("second", 1), ("first", 2), ("first", 3)]


def test_kombus_store_processed_option_keeps_each_read_message(tmp_path):
    folder, processed = tmp_path / "queue", tmp_path / "processed"
    folder.mkdir()
    processed.mkdir()
    options = {**_options(str(folder)), "store_processed": True, "processed_folder": str(processed)}
    queue = Queue("kept", Exchange("kept"), "kept")
    with app.connection_for_write(transport_options=options) as connection:
        _publish(connection, queue, range(2))
        reader = connection.SimpleQueue(queue)
        for _ in range(2):
            reader.get(timeout=5).ack()
    assert len([name for name in os.listdir(processed) if name.endswith(".kept.msg")]) == 2
    assert os.listdir(folder / "taken") == []
