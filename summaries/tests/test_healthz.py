"""/healthz: 200 only when the database, the broker and at least one worker are alive."""

import socket
from datetime import timedelta

import pytest
from django.utils import timezone

from summaries.services.heartbeats import record_heartbeat
from tests.integration.ports import free_port
from tests.integration.services import require_rabbitmq, require_redis

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_worker():
    record_heartbeat("worker1@host", pid=4242, started_at=timezone.now())


def test_all_well_answers_200_with_each_check(client, live_worker):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response.json() == {
        "status": "ok",
        "checks": {"database": {"ok": True}, "broker": {"ok": True}, "workers": {"ok": True, "alive": 1}},
    }
    assert client.head("/healthz").status_code == 200


def test_no_worker_ever_seen_answers_503(client):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["workers"] == {"ok": False, "alive": 0}


def test_a_worker_silent_for_longer_than_the_limit_counts_as_dead(client, settings):
    settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS = 30
    record_heartbeat("worker1@host", pid=4242, started_at=timezone.now())
    from summaries.models import WorkerHeartbeat

    WorkerHeartbeat.objects.update(beat_at=timezone.now() - timedelta(seconds=31))

    assert client.get("/healthz").status_code == 503


def test_a_broker_that_refuses_connections_answers_503_without_saying_where_it_is(client, settings, live_worker):
    settings.CELERY_BROKER_URL = f"redis://:secret@127.0.0.1:{free_port()}/0"
    settings.BROKER_KIND = "redis"

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == {"ok": False, "error": "OperationalError"}
    assert b"secret" not in response.content and b"127.0.0.1" not in response.content


@pytest.fixture
def silent_server():
    """Accepts connections and never says a word: a hung broker."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield listener.getsockname()[1]
    listener.close()


@pytest.mark.parametrize("scheme", ["redis", "amqp"])
def test_a_hung_broker_is_reported_not_waited_for(client, settings, live_worker, silent_server, scheme):
    settings.CELERY_BROKER_URL = f"{scheme}://guest:guest@127.0.0.1:{silent_server}/0"
    settings.BROKER_KIND = scheme

    broker = client.get("/healthz").json()["checks"]["broker"]

    assert broker["ok"] is False


@pytest.mark.parametrize(("kind", "require_broker"), [("redis", require_redis), ("amqp", require_rabbitmq)])
def test_a_real_broker_that_answers_is_healthy(client, settings, live_worker, kind, require_broker):
    settings.CELERY_BROKER_URL = require_broker()
    settings.BROKER_KIND = kind

    assert client.get("/healthz").json()["checks"]["broker"] == {"ok": True}


def test_an_embedded_broker_whose_folder_cannot_take_files_answers_503(client, settings, live_worker, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        "data_folder_in": str(tmp_path / "a-file" / "queue"),
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


def test_an_embedded_broker_folder_no_worker_has_made_yet_is_healthy(client, settings, live_worker, tmp_path):
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        "data_folder_in": str(tmp_path / "broker" / "queue"),
    }

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["checks"]["broker"]["ok"] is True


def test_a_database_that_fails_answers_503(client, live_worker, monkeypatch):
    from django.db import OperationalError
    from django.db.backends.utils import CursorWrapper

    def refuse(self, sql, params=None):
        raise OperationalError("database is locked")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert response.json()["checks"]["workers"]["ok"] is False


def test_healthz_is_not_redirected_to_https(client, settings, live_worker):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301
