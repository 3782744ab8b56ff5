"""Which Celery workers are alive: each writes a heartbeat row every few seconds.

A row in the database rather than Celery's own worker events or `inspect ping`: it works the same
on every broker (the embedded filesystem one included), costs the web side one indexed read
rather than a broadcast and a wait for replies, and outlives the process that wrote it, which is
exactly what tells a dead worker from a quiet one.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from summaries.models import WorkerHeartbeat

# A worker gone this long without a clean shutdown is forgotten.
FORGET_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class WorkerState:
    hostname: str
    pid: int
    started_at: datetime
    beat_at: datetime
    age_seconds: float
    alive: bool


def record_heartbeat(hostname: str, *, pid: int, started_at: datetime) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        hostname=hostname, defaults={"pid": pid, "started_at": started_at, "beat_at": now}
    )
    WorkerHeartbeat.objects.filter(beat_at__lt=now - FORGET_AFTER).delete()


def forget_worker(hostname: str) -> None:
    """A worker shutting down cleanly leaves no heartbeat that would still look alive."""
    WorkerHeartbeat.objects.filter(hostname=hostname).delete()


def worker_states(now: datetime | None = None) -> list[WorkerState]:
    now = now or timezone.now()
    max_age = settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS
    states = []
    for beat in WorkerHeartbeat.objects.all():
        age = max((now - beat.beat_at).total_seconds(), 0.0)
        states.append(WorkerState(beat.hostname, beat.pid, beat.started_at, beat.beat_at, age, age <= max_age))
    return states


def live_worker_count(now: datetime | None = None) -> int:
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS)
    return WorkerHeartbeat.objects.filter(beat_at__gte=cutoff).count()
