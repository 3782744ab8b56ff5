"""A worker host cut off from the network in the middle of a send, then joined again.

Host A is a network namespace of its own (tests/faults/network_host.py): its worker reaches
PostgreSQL, Redis and the mail server only through proxies on its link, which the test takes
down while the mail server holds its reply to A's email. Host B, on our side, takes over A's
leased jobs when the lease runs out. A's email was never accepted (its 250 was never sent), so
nothing is sent twice; once the link is back, A works again and sends nothing again.
"""

import uuid

import pytest

from tests.faults.network_host import NetworkHost
from tests.faults.scoreboard import Scenario
from tests.faults.tcp_proxy import TcpProxy
from tests.integration.services import fresh_postgres_database
from tests.integration.stack import BIN, wait_until

pytestmark = pytest.mark.faults


@pytest.fixture(scope="module")
def host_a():
    host = NetworkHost().create()
    yield host
    host.destroy()


@pytest.fixture(scope="module")
def database_url():
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture(scope="module")
def stack(make_fault_stack, database_url, redis_server):
    stack = make_fault_stack(database_url=database_url, broker_url=redis_server.url)
    # Host A alone works at first, so that the email held is A's: B starts once A is cut off.
    stack.processes["worker1"].stop()
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def a_side_urls(host_a, stack, sink, database_url, redis_server):
    """What host A is configured with: every service through a proxy on its link."""
    proxies = {
        "DATABASE_URL": TcpProxy.in_front_of(database_url, host_a.our_address),
        "CELERY_BROKER_URL": TcpProxy.in_front_of(redis_server.url, host_a.our_address),
        "EMAIL_HOST": TcpProxy("127.0.0.1", sink.port, host_a.our_address),
    }
    for proxy in proxies.values():
        proxy.start()
    yield {
        "DATABASE_URL": proxies["DATABASE_URL"].url_for(database_url),
        "CELERY_BROKER_URL": proxies["CELERY_BROKER_URL"].url_for(redis_server.url),
        "EMAIL_HOST": host_a.our_address,
        "EMAIL_PORT": str(proxies["EMAIL_HOST"].port),
    }
    for proxy in proxies.values():
        proxy.stop()


def start_worker_on_host_a(stack, host_a, env: dict):
    argv = [str(BIN / "celery"), "-A", "core", "worker", "--loglevel=info", "--concurrency=1"]
    argv.append(f"--hostname=host-a-{uuid.uuid4().hex[:6]}@%h")
    process = stack.spawn("host-a-worker", host_a.inside(argv), **env)
    stack.wait_worker_ready(process)
    return process


def test_a_worker_host_cut_off_mid_send_loses_nothing_and_sends_nothing_twice(stack, sink, host_a, a_side_urls):
    run = Scenario("worker host cut off mid-send (netns)", "redis", stack, sink)
    worker_a = start_worker_on_host_a(stack, host_a, a_side_urls)
    run.submit_with_the_first_email_held(4)
    abandoned_before = sink.abandoned

    host_a.cut()
    try:
        stack.start_worker("worker-b")
        # Everything is delivered by B while A is still cut off: A's held job once its lease ran out.
        wait_until(lambda: all(run.status_of(s.token) == "sent" for s in run.submissions), 180, "B to finish A's jobs")
    finally:
        host_a.heal()

    # A's connection to the mail server ends without its email ever being accepted.
    wait_until(lambda: sink.abandoned > abandoned_before, 180, "host A's held send to end")
    # Back on the network, A takes work again, and sends nothing it had held before.
    log_before = len(worker_a.log_text())

    def a_sends_again() -> bool:
        if "status=sent" in worker_a.log_text()[log_before:]:
            return True
        run.submit(1)
        return False

    wait_until(a_sends_again, 180, "host A to send again", interval=2)
    run.assert_all_delivered_once(run.settle(timeout=180))
    assert worker_a.alive()
