"""A PostgreSQL server of the test's own, restarted mid-run and failed over to read-only.

The server is started with initdb and pg_ctl (tests/faults/postgres_server.py), so the test can
stop it, start it and make it read-only; the shared server is never touched. While it cannot
write, a submit answers the clear 503 page and leaves no row; the workers recover by themselves,
and an email the mail server accepted meanwhile is recorded once, not sent again.
"""

import psycopg
import pytest

from tests.faults.conftest import ensure_running
from tests.faults.postgres_server import PostgresServer
from tests.faults.scoreboard import Scenario
from tests.integration.stack import wait_until

pytestmark = pytest.mark.faults

# A worker keeps trying to record a delivery until its job's hard time limit: long enough here
# for the test to bring the database back on a busy machine (the lease stays 5 s longer).
PATIENT_JOBS = {
    "SUBMISSION_LEASE_SECONDS": "45",
    "TASK_SOFT_TIME_LIMIT_SECONDS": "35",
    "TASK_TIME_LIMIT_SECONDS": "40",
}
REFUSED_SUBMITS = 3


@pytest.fixture(scope="module")
def postgres():
    server = PostgresServer().create()
    yield server
    server.destroy()


@pytest.fixture(scope="module")
def stack(make_fault_stack, postgres, redis_server):
    stack = make_fault_stack(database_url=postgres.url, broker_url=redis_server.url, extra_env=PATIENT_JOBS)
    yield stack
    # Before the server goes: the processes' connections would otherwise keep it from stopping.
    stack.stop()


@pytest.fixture
def scenario(stack, sink):
    ensure_running(stack)
    return lambda name: Scenario(name, "redis", stack, sink)


def rows_for(database_url: str, address_prefix: str) -> int:
    with psycopg.connect(database_url) as connection:
        return connection.execute(
            "SELECT count(*) FROM summaries_submission WHERE email LIKE %s", (f"{address_prefix}%",)
        ).fetchone()[0]


def submits_refused_with_the_clear_page(run: Scenario) -> None:
    for _ in range(REFUSED_SUBMITS):
        response = run.stack.submit(email=f"{run.tag}-refused@example.com")
        run.submit_seconds.append(response.elapsed.total_seconds())
        assert response.status_code == 503, (response.status_code, response.text[:300])
        assert "Nothing was saved" in response.text
        assert response.headers["Retry-After"]


def wait_for_a_failed_record(run: Scenario, log_before: int, *, because: str) -> None:
    """The mail server accepts the held email while the database cannot write it down.

    Released at once, before anything else: the worker gives up on a mail server that holds its
    email longer than EMAIL_TIMEOUT.
    """
    worker = run.stack.processes["worker1"]
    run.sink.release()
    wait_until(lambda: because in worker.log_text()[log_before:], 60, f"the worker to meet {because!r}")


def test_postgres_restarted_mid_send(scenario, postgres):
    run = scenario("PostgreSQL restarted mid-send")
    run.submit_with_the_first_email_held(4)
    log_before = len(run.stack.processes["worker1"].log_text())

    postgres.stop()
    wait_for_a_failed_record(run, log_before, because="recording it failed")
    submits_refused_with_the_clear_page(run)
    postgres.start()

    run.submit(2)
    run.assert_all_delivered_once(run.settle())
    assert rows_for(postgres.url, f"{run.tag}-refused") == 0
    assert rows_for(postgres.url, f"{run.tag}-") == 6


def test_postgres_failed_over_to_read_only_mid_send(scenario, postgres):
    run = scenario("PostgreSQL read-only (failover) mid-send")
    run.submit_with_the_first_email_held(4)
    log_before = len(run.stack.processes["worker1"].log_text())

    postgres.set_read_only(True)
    try:
        # The failover's dropped connection fails a first try; the one after it meets a server
        # that can only read.
        wait_for_a_failed_record(run, log_before, because="in a read-only transaction")
        submits_refused_with_the_clear_page(run)
    finally:
        postgres.set_read_only(False)

    run.submit(2)
    run.assert_all_delivered_once(run.settle())
    assert rows_for(postgres.url, f"{run.tag}-refused") == 0
    assert rows_for(postgres.url, f"{run.tag}-") == 6
