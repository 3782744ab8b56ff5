"""Fixtures of the fault-injection suite: one SMTP sink and a few shared stacks per module.

Starting a stack costs seconds, so each test module starts its stack once and plays its
scenarios on it one after another, each with its own addresses. Timings are shortened through
the product's own settings, so leases run out and sweeps run within seconds.
"""

import signal

import pytest

from tests.faults.scoreboard import RESULTS, table
from tests.integration.services import RedisServer
from tests.integration.smtp_sink import SmtpSink
from tests.integration.stack import Stack

# Short enough to play a lease running out in seconds, long enough for a render on a busy machine.
FAULT_TIMINGS = {
    "SUBMISSION_LEASE_SECONDS": "13",
    "TASK_SOFT_TIME_LIMIT_SECONDS": "6",
    "TASK_TIME_LIMIT_SECONDS": "8",
    "SUBMISSION_REQUEUE_AFTER_SECONDS": "4",
    "SWEEP_INTERVAL_SECONDS": "1",
    "RETRY_BASE_SECONDS": "0.5",
    "RETRY_MAX_SECONDS": "2",
    "SUBMISSION_MAX_ATTEMPTS": "10",
    "EMAIL_TIMEOUT": "3",
}


WARM_UP_SUBMISSIONS = 3


@pytest.fixture(scope="module")
def sink():
    smtp = SmtpSink().start()
    yield smtp
    smtp.stop()


@pytest.fixture(autouse=True)
def _sink_behaves(sink):
    """Each scenario starts with a well-behaved, listening mail server."""
    sink.reset()
    if sink._controller is None:
        sink.start()
    yield
    sink.reset()


@pytest.fixture(scope="module")
def make_fault_stack(tmp_path_factory, sink, request):
    """Started, warmed-up stacks with the fault timings; stopped at the end of the module, logs shown on failure."""
    stacks: list[Stack] = []
    failures_before = request.session.testsfailed

    def build(**kwargs) -> Stack:
        extra_env = {**FAULT_TIMINGS, **kwargs.pop("extra_env", {})}
        stack = Stack(root=tmp_path_factory.mktemp("stack"), smtp_port=sink.port, extra_env=extra_env, **kwargs)
        stacks.append(stack)
        stack.start()
        warm_up(stack)
        return stack

    yield build
    for stack in stacks:
        stack.stop()
        if request.session.testsfailed > failures_before:
            print(stack.logs())


def warm_up(stack: Stack) -> None:
    """Run a few submissions through, so no scenario pays for cold processes (imports, fonts, pools)."""
    for token in [stack.submit_ok(email="warm-up@example.com") for _ in range(WARM_UP_SUBMISSIONS)]:
        stack.wait_for_status(token, "sent", timeout=120)
    stack.warm_processes = {name: process.popen.pid for name, process in stack.processes.items()}


def ensure_running(stack: Stack, workers: int = 1) -> None:
    """Restart whatever a previous scenario killed, so each scenario starts from a whole, warm stack."""
    for process in stack.processes.values():
        # A scenario that failed half-way may have left a process frozen.
        process.signal(signal.SIGCONT)
    if not stack.processes["web"].alive():
        stack.start_web()
    for index in range(workers):
        name = f"worker{index + 1}"
        if not stack.processes[name].alive():
            stack.start_worker(name)
    if not stack.processes["beat"].alive():
        stack.start_beat()
    if stack.warm_processes != {name: process.popen.pid for name, process in stack.processes.items()}:
        warm_up(stack)


def pytest_terminal_summary(terminalreporter):
    if RESULTS:
        terminalreporter.section("fault scenarios")
        terminalreporter.write_line(table(RESULTS))


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    """A redis-server of the test module's own, which its scenarios may stop, fill or flush."""
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.kill()
