"""The web on PostgreSQL under many clients at once: every submit accepted, no connection left behind.

The web serves each request's view in a thread of its own (gunicorn's asgi worker). A
connection kept by such a thread outlived it, held by nobody, until PostgreSQL refused new ones
and submits got the 503 page. The web now closes each request's connection when it ends
(core/settings.py).
"""

import threading
import uuid
from collections import Counter

import psycopg
import pytest

from bench import loadgen
from tests.integration.services import fresh_postgres_database

pytestmark = pytest.mark.integration

CLIENTS, POSTS_EACH = 24, 25
WEB_PROCESSES = 2


def _connections_to(database_url: str) -> int:
    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url) as connection:
        # Every connection to this database but the one asking.
        query = "SELECT count(*) - 1 FROM pg_stat_activity WHERE datname = %s"
        return connection.execute(query, [name]).fetchone()[0]


def test_many_clients_at_once_are_all_served_and_leave_no_connection_open(make_stack):
    with fresh_postgres_database() as database_url:
        stack = make_stack(database_url=database_url)
        stack.prepare()
        stack.start_web(workers=WEB_PROCESSES)
        outcomes: Counter = Counter()

        def client() -> None:
            session = loadgen.Client(stack.web_port)
            for _ in range(POSTS_EACH):
                _, failure = session.post("/", f"crowd-{uuid.uuid4().hex[:8]}@example.com")
                outcomes[failure or "accepted"] += 1

        threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        held = _connections_to(database_url)

    assert outcomes == {"accepted": CLIENTS * POSTS_EACH}
    # Served and closed: at most a request's connection per web process still closing.
    assert held <= WEB_PROCESSES
