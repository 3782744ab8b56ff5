"""Worker heartbeats: written by a bootstep on the worker's timer, read by /healthz and the overview."""

from datetime import timedelta

import pytest
from django.utils import timezone

from summaries.models import WorkerHeartbeat
from summaries.services.heartbeats import forget_worker, live_worker_count, record_heartbeat, worker_states
from summaries.worker_heartbeat import Heartbeat

pytestmark = pytest.mark.django_db


class _RecordingTimer:
    """Stands in for the Celery worker's timer: remembers what it was asked to repeat."""

    def __init__(self):
        self.calls = []
        self.cancelled = False

    def call_repeatedly(self, seconds, function):
        self.calls.append((seconds, function))
        return self

    def cancel(self):
        self.cancelled = True


class _Worker:
    hostname = "worker1@host"

    def __init__(self):
        self.timer = _RecordingTimer()


def test_a_starting_worker_beats_at_once_and_then_on_its_timer(settings):
    settings.WORKER_HEARTBEAT_INTERVAL_SECONDS = 7
    worker = _Worker()
    step = Heartbeat(worker)

    step.start(worker)

    [beat] = WorkerHeartbeat.objects.all()
    assert beat.hostname == "worker1@host"
    assert worker.timer.calls == [(7, step.beat)]
    first = beat.beat_at
    step.beat()
    assert WorkerHeartbeat.objects.get().beat_at > first


def test_a_worker_stopping_cleanly_leaves_no_heartbeat_behind():
    worker = _Worker()
    step = Heartbeat(worker)
    step.start(worker)

    step.stop(worker)

    assert worker.timer.cancelled
    assert not WorkerHeartbeat.objects.exists()


def test_a_beat_the_database_refuses_is_logged_not_raised(monkeypatch, caplog):
    from django.db import OperationalError

    from summaries.services import heartbeats

    def refuse(*args, **kwargs):
        raise OperationalError("database is locked")

    worker = _Worker()
    step = Heartbeat(worker)
    step.start(worker)
    monkeypatch.setattr(heartbeats, "record_heartbeat", refuse)

    step.beat()

    assert "worker=worker1@host heartbeat not recorded: OperationalError" in caplog.text


def test_live_workers_are_the_ones_heard_from_recently(settings):
    settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS = 30
    now = timezone.now()
    record_heartbeat("fresh@host", pid=1, started_at=now)
    record_heartbeat("stale@host", pid=2, started_at=now)
    WorkerHeartbeat.objects.filter(hostname="stale@host").update(beat_at=now - timedelta(seconds=45))

    assert live_worker_count() == 1
    states = {state.hostname: state for state in worker_states()}
    assert states["fresh@host"].alive and not states["stale@host"].alive
    assert states["stale@host"].age_seconds >= 45


def test_workers_gone_for_a_day_are_forgotten():
    now = timezone.now()
    record_heartbeat("old@host", pid=1, started_at=now)
    WorkerHeartbeat.objects.filter(hostname="old@host").update(beat_at=now - timedelta(days=2))

    record_heartbeat("new@host", pid=2, started_at=now)

    assert list(WorkerHeartbeat.objects.values_list("hostname", flat=True)) == ["new@host"]


def test_forgetting_a_worker_removes_only_that_worker():
    record_heartbeat("a@host", pid=1, started_at=timezone.now())
    record_heartbeat("b@host", pid=2, started_at=timezone.now())

    forget_worker("a@host")

    assert list(WorkerHeartbeat.objects.values_list("hostname", flat=True)) == ["b@host"]
