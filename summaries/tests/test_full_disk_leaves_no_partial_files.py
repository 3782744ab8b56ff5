"""A write that the disk refuses leaves nothing half-written behind (tests/faults/test_disk_full.py plays it whole)."""

import errno
import os

import pytest
from kombu import Exchange, Queue
from kombu.transport.filesystem import ChannelError

from core.celery import app
from summaries.services.emailing import DeliveryError, build_summary_email, deliver
from summaries.tests.factories import make_submission


def refuse_the_rename(monkeypatch):
    """The file is written, then the filesystem is full: as far as the caller can tell, nothing went."""

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)


def test_a_broker_message_that_does_not_fit_leaves_no_file(tmp_path, monkeypatch):
    folder = str(tmp_path)
    options = {"data_folder_in": folder, "data_folder_out": folder, "control_folder": folder, "polling_interval": 0}
    queue = Queue("full", Exchange("full"), "full")
    with app.connection_for_write(transport_options=options) as connection:
        producer = connection.Producer()
        producer.publish({"n": 1}, exchange=queue.exchange, routing_key="full", declare=[queue])
        refuse_the_rename(monkeypatch)
        with pytest.raises(ChannelError):
            producer.publish({"n": 2}, exchange=queue.exchange, routing_key="full", declare=[queue], retry=False)
    assert [name for name in os.listdir(folder) if name.endswith(".partial")] == []


@pytest.mark.django_db
def test_an_email_that_does_not_fit_in_the_outbox_is_a_temporary_failure_and_leaves_no_file(
    settings, tmp_path, monkeypatch
):
    settings.OUTBOX_DIR = tmp_path / "outbox"
    settings.EMAIL_BACKEND = "summaries.outbox.backend.OutboxEmailBackend"
    refuse_the_rename(monkeypatch)
    with pytest.raises(DeliveryError) as refused:
        deliver(build_summary_email(make_submission(), pdf=b"%PDF-1.7 captured"))
    assert not refused.value.permanent
    assert list(settings.OUTBOX_DIR.iterdir()) == []
