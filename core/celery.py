"""The Celery application: configured from Django settings under the CELERY_ namespace."""

import os
from pathlib import Path

from celery import Celery, beat, signals
from kombu.utils.objects import cached_property

from summaries.worker_heartbeat import Heartbeat
from summaries.worker_relay import Relay

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")


class SummariesCelery(Celery):
    def connection_for_write(self, url=None, **kwargs):
        """Publishing connections wait PUBLISH_TIMEOUT_SECONDS per broker round trip, not longer.

        Celery gives publishing and consuming connections the same transport options; a worker's
        consuming connection (connection_for_read) keeps BROKER_SOCKET_TIMEOUT_SECONDS, while a
        publish (the relay's, the sweep's) on an open pooled connection to a hung Redis gives up quickly.
        """
        from django.conf import settings

        options = {**settings.BROKER_PUBLISH_TRANSPORT_OPTIONS, **(kwargs.pop("transport_options", None) or {})}
        return super().connection_for_write(url, transport_options=options, **kwargs)

    @cached_property
    def Worker(self):
        """The worker program (core/celery_worker.py), imported only by a worker."""
        return self.subclass_with_self("core.celery_worker:Worker")


class Scheduler(beat.PersistentScheduler):
    """Celery's own scheduler for beat, which makes the folder of its schedule file as it opens it."""

    def setup_schedule(self):
        Path(self.schedule_filename).parent.mkdir(parents=True, exist_ok=True)
        super().setup_schedule()


app = SummariesCelery("core")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.steps["worker"].add(Heartbeat)
app.steps["worker"].add(Relay)
app.autodiscover_tasks()


@signals.worker_init.connect(dispatch_uid="core.celery.prepare_worker_processes")
def prepare_worker_processes(**_signal) -> None:
    """In a worker only: connect what its pool processes do around their jobs (renderer, memory).

    Here and not in an AppConfig, so that a web process never loads WeasyPrint. The worker's main
    process imports it before it starts its children, which share what it loaded.
    """
    from summaries import worker_process  # noqa: F401 - connecting its signal handlers is the import
