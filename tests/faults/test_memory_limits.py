"""The broker at its memory limit: Redis with maxmemory and noeviction, RabbitMQ under a memory alarm.

Either refuses (Redis: an OOM error) or blocks (RabbitMQ: a connection that publishes is no
longer read) every publish. Submits go on as usual, since the web never publishes; the relay's
publish gives up within PUBLISH_TIMEOUT_SECONDS, the rows wait, and once memory is back every
one is delivered once. Workers run without Celery's own heartbeat events (core/celery_worker.py),
which would otherwise hold the whole worker waiting for a confirm under the alarm.

The Redis is the test's own. RabbitMQ is shared with other test runs: its memory alarm is
raised for as short a time as the scenario needs and always lowered again.
"""

import re
import subprocess
from contextlib import contextmanager

import pytest
import redis

from tests.faults.conftest import ensure_running
from tests.faults.scoreboard import Scenario
from tests.integration.services import RedisServer, require, require_rabbitmq
from tests.integration.stack import wait_until

pytestmark = pytest.mark.faults

# Enough relay ticks (one every 2 s while the broker refuses) to show it is not stuck on one.
REFUSED_PUBLISHES = 3


def refused_publishes(run: Scenario, log_before: int) -> int:
    return run.stack.processes["worker1"].log_text()[log_before:].count("publish failed")


def wait_while_refused(run: Scenario, log_before: int, waiting: list[str]) -> None:
    """The relay keeps trying and giving up, tick after tick; the `waiting` submissions do not move meanwhile."""
    wait_until(lambda: refused_publishes(run, log_before) >= REFUSED_PUBLISHES, 90, "the relay's publishes refused")
    assert {run.status_of(token) for token in waiting} == {"received"}


# --- Redis ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_stack(make_fault_stack, redis_server):
    return make_fault_stack(broker_url=redis_server.url)


@contextmanager
def redis_out_of_memory(server: RedisServer):
    """Redis filled up to its maxmemory with noeviction: every write is refused with an OOM error."""
    client = server.client()
    client.config_set("maxmemory-policy", "noeviction")
    client.config_set("maxmemory", int(client.info("memory")["used_memory"]) + (1 << 20))
    try:
        for number in range(10_000):
            client.set(f"ballast:{number}", b"x" * (64 << 10))
    except redis.exceptions.OutOfMemoryError:
        pass
    else:
        raise AssertionError("Redis never reached its maxmemory")
    # Refused, that big write freed its buffer, and small writes would fit again: the limit is
    # pinned just under what Redis now uses, so that every write is refused until it is raised.
    client.config_set("maxmemory", int(client.info("memory")["used_memory"]) - (256 << 10))
    try:
        yield
    finally:
        client.config_set("maxmemory", 0)
        for key in client.scan_iter("ballast:*"):
            client.delete(key)
        client.close()


def test_redis_at_its_memory_limit_refuses_publishes_and_the_rows_wait(redis_stack, redis_server, sink):
    ensure_running(redis_stack)
    run = Scenario("Redis out of memory (noeviction)", "redis", redis_stack, sink)
    run.submit(2)
    log_before = len(redis_stack.processes["worker1"].log_text())
    with redis_out_of_memory(redis_server):
        waiting = run.submit(4)
        wait_while_refused(run, log_before, waiting)
    run.assert_all_delivered_once(run.settle())


# --- RabbitMQ ---------------------------------------------------------------------------------


def rabbitmqctl(*args: str) -> str:
    result = subprocess.run(["rabbitmqctl", *args], capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"rabbitmqctl {' '.join(args)} failed: {result.stderr}")
    return result.stdout


@contextmanager
def rabbitmq_memory_alarm():
    """A memory high watermark far below what RabbitMQ uses: it blocks every publishing connection."""
    require("rabbitmqctl, to raise RabbitMQ's memory alarm", subprocess.run(["which", "rabbitmqctl"]).returncode == 0)
    before = rabbitmqctl("eval", "vm_memory_monitor:get_vm_memory_high_watermark().").strip()
    absolute = re.fullmatch(r"\{absolute,\s*(\d+)\}", before)
    restore = ["absolute", absolute.group(1)] if absolute else [before]
    rabbitmqctl("set_vm_memory_high_watermark", "0.0000001")
    try:
        wait_until(lambda: "memory" in rabbitmqctl("eval", "rabbit_alarm:get_alarms()."), 30, "the memory alarm")
        yield
    finally:
        rabbitmqctl("set_vm_memory_high_watermark", *restore)


@pytest.fixture(scope="module")
def rabbitmq_stack(make_fault_stack):
    # Stack.stop() deletes the stack's own queues from the shared RabbitMQ.
    return make_fault_stack(broker_url=require_rabbitmq())


def test_rabbitmq_memory_alarm_blocks_publishes_and_the_relay_gives_up_in_time(rabbitmq_stack, sink):
    ensure_running(rabbitmq_stack)
    run = Scenario("RabbitMQ memory alarm (blocked publisher)", "rabbitmq", rabbitmq_stack, sink)
    run.submit(2)
    log_before = len(rabbitmq_stack.processes["worker1"].log_text())
    with rabbitmq_memory_alarm():
        waiting = run.submit(4)
        # A blocked publish never fails by itself: only the wait for its confirm, bounded by
        # PUBLISH_TIMEOUT_SECONDS, lets the relay go on to its next tick.
        wait_while_refused(run, log_before, waiting)
    run.assert_all_delivered_once(run.settle())
