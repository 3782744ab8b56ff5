"""What /healthz checks: the database answers, the broker answers, and some worker is alive.

Each check is bounded (the broker one to BROKER_TIMEOUT_SECONDS) and says only ok or not with a
short reason: a load balancer's probe must be cheap and must not learn addresses or credentials.
"""

import os
from pathlib import Path

from django.conf import settings
from django.db import connection
from kombu import Connection

from summaries.services.heartbeats import live_worker_count

BROKER_TIMEOUT_SECONDS = 1.0


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True}


def check_broker() -> dict:
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    if settings.BROKER_KIND == "filesystem":
        # The embedded broker "connects" to anything: what matters is that its folder takes files
        # (or, before the first worker has made it, that the folder it will be made in does).
        folder = Path(options["data_folder_in"])
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if not (folder.is_dir() and os.access(folder, os.W_OK)):
            return {"ok": False, "error": "queue folder not writable"}
        return {"ok": True}
    timeouts = {"socket_connect_timeout": BROKER_TIMEOUT_SECONDS, "socket_timeout": BROKER_TIMEOUT_SECONDS}
    broker = Connection(
        settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT_SECONDS, transport_options={**options, **timeouts}
    )
    try:
        with broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True}


def check_workers() -> dict:
    try:
        alive = live_worker_count()
    except Exception as exc:  # noqa: BLE001 - the database check reports the cause
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": alive > 0, "alive": alive}


def health_report() -> tuple[bool, dict]:
    checks = {"database": check_database(), "broker": check_broker(), "workers": check_workers()}
    healthy = all(check["ok"] for check in checks.values())
    return healthy, {"status": "ok" if healthy else "unavailable", "checks": checks}
