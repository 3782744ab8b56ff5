"""The Celery worker bootstep that writes this worker's heartbeat (see services/heartbeats.py).

It runs on the worker's own timer, in the process that consumes messages, so the heartbeat stops
when that process dies or hangs, not only when the machine does.
"""

import logging
import os

from celery import bootsteps

logger = logging.getLogger("summaries.heartbeat")


class Heartbeat(bootsteps.StartStopStep):
    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.timer_entry = None
        self.hostname = ""
        self.started_at = None

    def start(self, worker) -> None:
        from django.conf import settings
        from django.utils import timezone

        self.hostname = worker.hostname
        self.started_at = timezone.now()
        self.beat()
        self.timer_entry = worker.timer.call_repeatedly(settings.WORKER_HEARTBEAT_INTERVAL_SECONDS, self.beat)

    def stop(self, worker) -> None:
        from summaries.services.heartbeats import forget_worker

        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None
        try:
            forget_worker(self.hostname)
        except Exception as exc:  # noqa: BLE001 - shutting down must not fail on the database
            logger.warning("worker=%s could not remove its heartbeat: %s", self.hostname, type(exc).__name__)

    def beat(self) -> None:
        from django.db import close_old_connections

        from summaries.services.heartbeats import record_heartbeat

        # A long-lived timer: let Django drop a connection that has expired or broken since the last beat.
        close_old_connections()
        try:
            record_heartbeat(self.hostname, pid=os.getpid(), started_at=self.started_at)
        except Exception as exc:  # noqa: BLE001 - a missed beat is the signal: one line, no traceback
            logger.warning("worker=%s heartbeat not recorded: %s", self.hostname, type(exc).__name__)
