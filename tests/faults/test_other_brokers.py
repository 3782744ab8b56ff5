"""Losing the broker's messages and killing the worker on the embedded broker and on RabbitMQ.

RabbitMQ is shared with other test runs: it is reached through a proxy the test cuts or
freezes, and only this stack's own queue is ever purged (and deleted at the end, by Stack.stop).
"""

import pytest
from kombu import Connection

from tests.faults import plays
from tests.faults.conftest import ensure_running
from tests.faults.scoreboard import Scenario
from tests.faults.tcp_proxy import TcpProxy
from tests.integration.services import RABBITMQ_URL, require_rabbitmq

pytestmark = pytest.mark.faults


# --- the embedded filesystem broker ---------------------------------------------------------


@pytest.fixture(scope="module")
def filesystem_stack(make_fault_stack):
    return make_fault_stack()


@pytest.fixture
def on_filesystem(filesystem_stack, sink):
    ensure_running(filesystem_stack)
    return lambda name: Scenario(name, "filesystem", filesystem_stack, sink)


def test_filesystem_broker_messages_deleted_with_jobs_queued(on_filesystem):
    run = on_filesystem("broker emptied with jobs queued")

    def delete_message_files():
        for message in (run.stack.data_dir / "broker" / "queue").glob("*.msg"):
            message.unlink(missing_ok=True)

    plays.queued_messages_lost(run, delete_message_files)


def test_filesystem_broker_worker_killed_mid_send(on_filesystem):
    plays.worker_killed_mid_send(on_filesystem("worker SIGKILL mid-send"))


# --- RabbitMQ -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rabbitmq_proxy():
    require_rabbitmq()
    proxy = TcpProxy.in_front_of(RABBITMQ_URL).start()
    yield proxy
    proxy.stop()


@pytest.fixture(scope="module")
def rabbitmq_stack(make_fault_stack, rabbitmq_proxy):
    # Stack.stop() deletes the stack's own queues from the shared RabbitMQ.
    return make_fault_stack(broker_url=rabbitmq_proxy.url_for(RABBITMQ_URL))


@pytest.fixture
def on_rabbitmq(rabbitmq_stack, rabbitmq_proxy, sink):
    rabbitmq_proxy.thaw()
    if rabbitmq_proxy._listener is None:
        rabbitmq_proxy.restore()
    ensure_running(rabbitmq_stack)
    return lambda name: Scenario(name, "rabbitmq", rabbitmq_stack, sink)


def test_rabbitmq_refusing_connections_at_submit(on_rabbitmq, rabbitmq_proxy):
    plays.broker_down_at_submit(on_rabbitmq("broker refusing at submit"), rabbitmq_proxy.cut, rabbitmq_proxy.restore)


def test_rabbitmq_hung_at_submit(on_rabbitmq, rabbitmq_proxy):
    plays.broker_down_at_submit(on_rabbitmq("broker hung at submit"), rabbitmq_proxy.freeze, rabbitmq_proxy.thaw)


def test_rabbitmq_queue_purged_with_jobs_queued(on_rabbitmq):
    run = on_rabbitmq("broker emptied with jobs queued")

    def purge_our_queue():
        with Connection(RABBITMQ_URL, connect_timeout=5) as connection:
            connection.default_channel.queue_purge(run.stack.queue)

    plays.queued_messages_lost(run, purge_our_queue)


def test_rabbitmq_worker_killed_mid_send(on_rabbitmq):
    plays.worker_killed_mid_send(on_rabbitmq("worker SIGKILL mid-send"))
