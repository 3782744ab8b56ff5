"""Clocks that disagree: workers whose clocks run minutes ahead or behind, on PostgreSQL.

PostgreSQL keeps its own clock, which judges every lease. (An SQLite database serves one machine
only, so its processes share one clock.) The web and beat keep the true time; only the workers'
clocks are shifted (tests/faults/shifted_clock.py), pool processes included.
"""

import signal
import uuid

import pytest

from tests.faults.conftest import ensure_running
from tests.faults.scoreboard import Scenario
from tests.integration.rows import Rows
from tests.integration.services import fresh_postgres_database
from tests.integration.stack import BIN, Stack

pytestmark = pytest.mark.faults

SHIFT_SECONDS = 300


@pytest.fixture(scope="module")
def stack(make_fault_stack):
    with fresh_postgres_database() as url:
        yield make_fault_stack(database_url=url)


@pytest.fixture
def scenario(stack, sink):
    ensure_running(stack)
    yield lambda name: Scenario(name, "filesystem", stack, sink)
    for name in [name for name in stack.processes if name.startswith("skewed")]:
        stack.processes.pop(name).kill()


def start_skewed_worker(stack: Stack, name: str, shift_seconds: int, **env):
    """A worker (both queues, one pool process) whose wall clock is `shift_seconds` off."""
    argv = ["celery", "-A", "core", "worker", "--loglevel=info", "--concurrency=1"]
    hostname = f"--hostname={name}-{uuid.uuid4().hex[:6]}@%h"
    shifted = [str(BIN / "python"), "-m", "tests.faults.shifted_clock", str(shift_seconds), *argv, hostname]
    worker = stack.spawn(name, shifted, **env)
    stack.wait_worker_ready(worker)
    return worker


def test_a_worker_running_ahead_that_dies_mid_send_holds_its_job_only_for_the_lease(scenario, stack, sink):
    run = scenario("worker clock +5 min, SIGKILL mid-send")
    stack.processes["worker1"].stop()
    ahead = start_skewed_worker(stack, "skewed-ahead", SHIFT_SECONDS)
    run.submit_with_the_first_email_held(4)
    abandoned_before = sink.abandoned
    ahead.kill()
    stack.start_worker("worker1")
    # By its own clock the dead worker leased the job for five minutes more than the lease:
    # settle() gives up long before that.
    run.assert_all_delivered_once(run.settle(timeout=90))
    assert sink.abandoned == abandoned_before + 1


def test_a_live_job_of_a_worker_running_behind_is_not_taken_over(scenario, stack, sink):
    run = scenario("worker clock -5 min, a send held")
    stack.processes["worker1"].stop()
    # Its own clock would write a lease that ran out five minutes ago. It waits for the mail
    # server longer than usual, with limits (and a lease) to match.
    slow = {"EMAIL_TIMEOUT": "20", "TASK_SOFT_TIME_LIMIT_SECONDS": "25", "TASK_TIME_LIMIT_SECONDS": "28"}
    limits = {**slow, "SUBMISSION_LEASE_SECONDS": "40"}
    start_skewed_worker(stack, "skewed-behind", -SHIFT_SECONDS, **limits)
    run.submit_with_the_first_email_held(4, seconds=12)
    held = next(s for s in run.submissions if run.status_of(s.token) == "sending")
    # A worker with the true clock, whose sweeps and claims look at that live lease meanwhile.
    stack.start_worker("worker1", SUBMISSION_LEASE_SECONDS="40")
    run.assert_all_delivered_once(run.settle(timeout=90))
    # Sent by the worker that held it, which was never presumed dead: one claim to send, its own.
    claims_to_send = Rows(stack.database_url).workers_of([held.token], "sending")
    assert list(claims_to_send.values()) == [1], f"taken over: {claims_to_send}"
    assert next(iter(claims_to_send)).startswith("skewed-behind"), claims_to_send
    stack.processes["skewed-behind"].signal(signal.SIGTERM)
