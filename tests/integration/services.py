"""The loopback services integration tests use, and what happens when one is missing.

Locally a missing server skips the test with the reason; in CI (CI=true) it fails the run,
because a skipped guarantee is not a kept one.
"""

import base64
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

from tests.integration.ports import free_port

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require(what: str, available: bool) -> None:
    if available:
        return
    message = f"{what} is not available on this machine"
    if in_ci():
        pytest.fail(f"{message}, and CI must run every test.")
    pytest.skip(message)


def require_redis() -> str:
    require("Redis at 127.0.0.1:6379", _port_open("127.0.0.1", 6379))
    return REDIS_URL


def require_rabbitmq() -> str:
    require("RabbitMQ at 127.0.0.1:5672", _port_open("127.0.0.1", 5672))
    return RABBITMQ_URL


def require_redis_server_binary() -> str:
    path = shutil.which("redis-server")
    require("The redis-server program", path is not None)
    return path


def postgres_available() -> bool:
    return _port_open("127.0.0.1", 5432)


@contextmanager
def fresh_postgres_database():
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    require("PostgreSQL at 127.0.0.1:5432", postgres_available())
    with new_postgres_database() as url:
        yield url


@contextmanager
def new_postgres_database():
    """A new, empty PostgreSQL database, dropped afterwards (outside pytest too: see bench/)."""
    import psycopg

    name = f"e2e_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class RedisServer:
    """A redis-server of our own on a free port, for tests that stop, flush or restart it.

    Never the shared one on 6379: other test runs depend on it. No persistence, so a restart
    comes back empty, as a Redis without persistence does after a crash.
    """

    def __init__(self, workdir: Path):
        self.binary = require_redis_server_binary()
        self.workdir = workdir
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = (self.workdir / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server on port {self.port} did not start")
            time.sleep(0.05)
        return self

    def _answers(self) -> bool:
        try:
            return self.client().ping()
        except redis.RedisError:
            return False

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=2, socket_connect_timeout=2)

    def kill(self) -> None:
        """Gone: connections are refused until start()."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def restart(self) -> None:
        """Killed and started again, empty."""
        self.kill()
        self.start()

    def hang(self) -> None:
        """Stopped, not gone: connections are accepted and nothing ever answers."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def flushall(self) -> None:
        self.client().flushall()


def delete_broker_queues(broker_url: str, queues: list[str]) -> None:
    """Remove a finished stack's own queues (and their exchanges) from a shared broker."""
    if broker_url.startswith("redis"):
        client = redis.Redis.from_url(broker_url, socket_timeout=2, socket_connect_timeout=2)
        # Each queue has its own exchange of the same name, so these keys are ours alone.
        with contextlib.suppress(redis.RedisError):
            bindings = [f"_kombu.{kind}.{queue}" for queue in queues for kind in ("binding", "binding_permanent")]
            client.delete(*queues, *bindings)
    elif broker_url.startswith("amqp"):
        from kombu import Connection

        connection = Connection(broker_url, connect_timeout=2)
        with contextlib.suppress(*connection.connection_errors, *connection.channel_errors), connection:
            channel = connection.channel()
            for queue in queues:
                channel.queue_delete(queue)
                channel.exchange_delete(queue)


def queued_submission_ids(redis_url: str, queue: str) -> list[int]:
    """The submission id in every message waiting in a Redis queue (Celery's message protocol 2)."""
    client = redis.Redis.from_url(redis_url)
    bodies = [json.loads(base64.b64decode(json.loads(raw)["body"])) for raw in client.lrange(queue, 0, -1)]
    return [args[0] for args, _kwargs, _embed in bodies]
