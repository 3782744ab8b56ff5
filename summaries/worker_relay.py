"""The Celery worker bootstep that runs the relay (services/relay.py) on the worker's timer.

Publishing from the worker rather than from the request keeps the broker out of the web tier
entirely: a submit is one insert and a redirect, whatever state the broker is in, and the
message goes out at most RELAY_INTERVAL_SECONDS later. Every worker runs it; a row is taken
under a lock before it is published, so several workers publish it once.

An idle tick is one indexed query (the rows with no message out, of which there are none).
"""

import logging
import time

from celery import bootsteps

logger = logging.getLogger("summaries.relay")

# After the broker refused a publish, leave it alone this long: the worker cannot consume
# either, and a hung broker would hold the timer for PUBLISH_TIMEOUT_SECONDS every tick.
PAUSE_AFTER_REFUSAL_SECONDS = 2.0


class Relay(bootsteps.StartStopStep):
    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.timer_entry = None
        self.paused_until = 0.0

    def start(self, worker) -> None:
        from django.conf import settings

        self.timer_entry = worker.timer.call_repeatedly(settings.RELAY_INTERVAL_SECONDS, self.tick)

    def stop(self, worker) -> None:
        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None

    def tick(self) -> None:
        from django.db import close_old_connections

        from summaries.services.relay import publish_new_submissions

        if time.monotonic() < self.paused_until:
            return
        try:
            _, broker_took_all = publish_new_submissions()
        except Exception as exc:  # noqa: BLE001 - the database may be away; the next tick tries again
            logger.warning("relay could not read new submissions: %s", type(exc).__name__)
            # Let Django replace a connection that broke (the heartbeat does the same every beat).
            close_old_connections()
            broker_took_all = False
        if not broker_took_all:
            self.paused_until = time.monotonic() + PAUSE_AFTER_REFUSAL_SECONDS
