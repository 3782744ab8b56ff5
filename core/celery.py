"""The Celery application: configured from Django settings under the CELERY_ namespace."""

import os

from celery import Celery

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


app = SummariesCelery("core")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.steps["worker"].add(Heartbeat)
app.steps["worker"].add(Relay)
app.autodiscover_tasks()
