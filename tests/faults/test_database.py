"""The database going away: at submit (a clear 503, nothing written) and while a worker sends.

PostgreSQL is shared with other test runs, so the test uses a fresh database reached through
a proxy it cuts; the server itself is never touched.
"""

import psycopg
import pytest

from tests.faults.conftest import ensure_running
from tests.faults.scoreboard import Scenario
from tests.faults.tcp_proxy import TcpProxy
from tests.integration.services import fresh_postgres_database
from tests.integration.stack import wait_until

pytestmark = pytest.mark.faults


@pytest.fixture(scope="module")
def database_url():
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture(scope="module")
def database_proxy(database_url):
    proxy = TcpProxy.in_front_of(database_url).start()
    yield proxy
    proxy.stop()


@pytest.fixture(scope="module")
def stack(make_fault_stack, database_url, database_proxy):
    stack = make_fault_stack(database_url=database_proxy.url_for(database_url))
    yield stack
    # Dropping the database needs every connection to it gone.
    stack.stop()


def submission_rows(database_url: str) -> int:
    with psycopg.connect(database_url) as connection:
        return connection.execute("SELECT count(*) FROM summaries_submission").fetchone()[0]


def test_database_unavailable_at_submit_and_while_a_send_is_recorded(stack, sink, database_url, database_proxy):
    ensure_running(stack)
    run = Scenario("database down at submit (503) and mid-send", "filesystem", stack, sink)
    run.submit_with_the_first_email_held(2)
    rows_before = submission_rows(database_url)

    database_proxy.cut()
    # The mail server accepts the held email while the database is away (released at once, within
    # the worker's SMTP timeout): the worker must keep trying to record it instead of leaving it
    # to be sent again.
    sink.release()
    worker = stack.processes["worker1"]
    wait_until(lambda: "recording it failed" in worker.log_text(), 30, "the worker to find the database gone")
    for _ in range(3):
        response = stack.submit(email=f"{run.tag}-refused@example.com")
        run.submit_seconds.append(response.elapsed.total_seconds())
        assert response.status_code == 503, (response.status_code, response.text[:300])
        assert "Nothing was saved" in response.text
        assert response.headers["Retry-After"]
    assert submission_rows(database_url) == rows_before
    database_proxy.restore()

    run.submit(2)
    run.assert_all_delivered_once(run.settle())
    assert submission_rows(database_url) == rows_before + 2
