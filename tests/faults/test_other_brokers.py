"""Losing the broker's messages and killing the worker on the embedded broker and on RabbitMQ.

RabbitMQ is shared with other test runs: it is reached through a proxy the test cuts or
freezes, and only this stack's own queue is ever purged (and deleted at the end).
"""

import pytest
from kombu import Connection

from tests.faults.conftest import ensure_running
from tests.faults.scoreboard import Scenario
from tests.faults.tcp_proxy import TcpProxy
from tests.integration.services import RABBITMQ_URL, require_rabbitmq

pytestmark = pytest.mark.faults


def _kill_worker_mid_send(run: Scenario, sink) -> None:
    sink.hold_next(1)
    run.submit(4)
    assert sink.holding.wait(60), "the first email never reached the mail server"
    abandoned_before = sink.abandoned
    run.stack.processes["worker1"].kill()
    run.stack.start_worker("worker1")
    run.assert_all_delivered_once(run.settle())
    assert sink.abandoned == abandoned_before + 1


def _lose_queued_messages(run: Scenario, sink, empty_the_queue) -> None:
    sink.hold_next(1)
    run.submit(4)
    assert sink.holding.wait(60), "the first email never reached the mail server"
    empty_the_queue()
    sink.release()
    run.assert_all_delivered_once(run.settle())


# --- the embedded filesystem broker ---------------------------------------------------------


@pytest.fixture(scope="module")
def filesystem_stack(make_fault_stack):
    return make_fault_stack()


@pytest.fixture
def on_filesystem(filesystem_stack, sink):
    ensure_running(filesystem_stack)
    return lambda name: Scenario(name, "filesystem", filesystem_stack, sink)


def test_filesystem_broker_messages_deleted_with_jobs_queued(on_filesystem, sink):
    run = on_filesystem("broker emptied with jobs queued")

    def delete_message_files():
        for message in (run.stack.data_dir / "broker" / "queue").iterdir():
            message.unlink(missing_ok=True)

    _lose_queued_messages(run, sink, delete_message_files)


def test_filesystem_broker_worker_killed_mid_send(on_filesystem, sink):
    _kill_worker_mid_send(on_filesystem("worker SIGKILL mid-send"), sink)


# --- RabbitMQ -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rabbitmq_proxy():
    require_rabbitmq()
    proxy = TcpProxy.in_front_of(RABBITMQ_URL).start()
    yield proxy
    proxy.stop()


@pytest.fixture(scope="module")
def rabbitmq_stack(make_fault_stack, rabbitmq_proxy):
    stack = make_fault_stack(broker_url=rabbitmq_proxy.url_for(RABBITMQ_URL))
    yield stack
    stack.stop()
    with Connection(RABBITMQ_URL, connect_timeout=5) as connection:
        connection.default_channel.queue_delete(stack.queue)


@pytest.fixture
def on_rabbitmq(rabbitmq_stack, rabbitmq_proxy, sink):
    rabbitmq_proxy.thaw()
    if rabbitmq_proxy._listener is None:
        rabbitmq_proxy.restore()
    ensure_running(rabbitmq_stack)
    return lambda name: Scenario(name, "rabbitmq", rabbitmq_stack, sink)


def test_rabbitmq_refusing_connections_at_submit(on_rabbitmq, rabbitmq_proxy):
    run = on_rabbitmq("broker refusing at submit")
    rabbitmq_proxy.cut()
    run.submit(4)
    rabbitmq_proxy.restore()
    run.assert_all_delivered_once(run.settle())


def test_rabbitmq_hung_at_submit(on_rabbitmq, rabbitmq_proxy):
    run = on_rabbitmq("broker hung at submit")
    run.submit(2)
    rabbitmq_proxy.freeze()
    run.submit(4)
    rabbitmq_proxy.thaw()
    run.assert_all_delivered_once(run.settle())


def test_rabbitmq_queue_purged_with_jobs_queued(on_rabbitmq, sink):
    run = on_rabbitmq("broker emptied with jobs queued")

    def purge_our_queue():
        with Connection(RABBITMQ_URL, connect_timeout=5) as connection:
            connection.default_channel.queue_purge(run.stack.queue)

    _lose_queued_messages(run, sink, purge_our_queue)


def test_rabbitmq_worker_killed_mid_send(on_rabbitmq, sink):
    _kill_worker_mid_send(on_rabbitmq("worker SIGKILL mid-send"), sink)
