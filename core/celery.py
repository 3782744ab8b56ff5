"""The Celery application: configured from Django settings under the CELERY_ namespace."""

import os

from celery import Celery

from summaries.worker_heartbeat import Heartbeat

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")

app = Celery("core")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.steps["worker"].add(Heartbeat)
app.autodiscover_tasks()
