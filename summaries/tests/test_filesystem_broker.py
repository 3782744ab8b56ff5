"""The embedded broker delivers every message whole while it is being written to."""

import threading

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
