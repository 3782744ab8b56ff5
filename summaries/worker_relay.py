"""The Celery worker bootstep that publishes new submissions (services/sweep.py's relay).

Publishing from the worker rather than from the request keeps the broker out of the web tier
entirely: a submit is one insert and a redirect, whatever state the broker is in, and the
message goes out at most RELAY_INTERVAL_SECONDS later. Every worker runs it; a row is taken
with a conditional update before it is published, so several workers publish it once.
"""

import logging
import time

from celery import bootsteps

logger = logging.getLogger("summaries.relay")

# After the broker refused a publish, leave it alone this long: the worker cannot consume
# either, and a hung broker would hold the timer for PUBLISH_TIMEOUT_SECONDS every tick.
PAUSE_AFTER_REFUSAL_SECONDS = 2.0
# Django's rules for a kept database connection (its age, a broken one dropped) are applied at
# most this often, and after any tick that failed. Applied at every tick, they made each tick's
# query check the connection first with a query of its own: on PostgreSQL, two round trips every
# RELAY_INTERVAL_SECONDS in the worker's main process, whatever the load (bench/RESULTS.md).
CONNECTION_CHECK_SECONDS = 1.0


class Relay(bootsteps.StartStopStep):
    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.timer_entry = None
        self.paused_until = 0.0
        self.connections_checked_at = float("-inf")

    def start(self, worker) -> None:
        from django.conf import settings

        self.timer_entry = worker.timer.call_repeatedly(settings.RELAY_INTERVAL_SECONDS, self.tick)

    def stop(self, worker) -> None:
        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None

    def tick(self) -> None:
        from django.db import close_old_connections

        from summaries.services.sweep import publish_new_submissions

        now = time.monotonic()
        if now < self.paused_until:
            return
        if now - self.connections_checked_at >= CONNECTION_CHECK_SECONDS:
            # A long-lived timer: let Django drop a connection that has expired or broken since.
            close_old_connections()
            self.connections_checked_at = now
        try:
            _, broker_took_all = publish_new_submissions()
        except Exception as exc:  # noqa: BLE001 - the database may be away; the next tick tries again
            logger.warning("relay could not read new submissions: %s", type(exc).__name__)
            broker_took_all = False
        if not broker_took_all:
            self.paused_until = time.monotonic() + PAUSE_AFTER_REFUSAL_SECONDS
            # The failure may have been the database's: the next tick checks the connection first.
            self.connections_checked_at = float("-inf")
