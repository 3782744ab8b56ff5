"""Poison messages put straight on the stack's own Redis queue, in front of real submissions.

Each poison carries an address of its own: it must appear in no log. Each must be dropped with
a log line (acknowledged: nothing of it stays in Redis), the same worker process must go on
running, and the submissions made after it must be delivered once.
"""

import base64
import json
import uuid

import pytest

from tests.faults.conftest import ensure_running
from tests.faults.scoreboard import Scenario
from tests.integration.services import RedisServer
from tests.integration.stack import wait_until

pytestmark = pytest.mark.faults

PROCESS_SUBMISSION = "summaries.tasks.process_submission"


@pytest.fixture(scope="module")
def stack(make_fault_stack, redis_server):
    return make_fault_stack(broker_url=redis_server.url)


@pytest.fixture
def scenario(stack, sink):
    ensure_running(stack)
    return lambda name: Scenario(name, "redis", stack, sink)


def task_message(queue: str, task: str, args: list, body: bytes | None = None) -> bytes:
    """A message as kombu's Redis transport stores it (Celery's message protocol 2)."""
    task_id = str(uuid.uuid4())
    body = body if body is not None else json.dumps([args, {}, {}]).encode()
    envelope = {
        "body": base64.b64encode(body).decode(),
        "content-encoding": "utf-8",
        "content-type": "application/json",
        "headers": {"lang": "py", "task": task, "id": task_id, "root_id": task_id, "argsrepr": repr(args)},
        "properties": {
            "correlation_id": task_id,
            "delivery_tag": str(uuid.uuid4()),
            "body_encoding": "base64",
            "delivery_mode": 2,
            "delivery_info": {"exchange": queue, "routing_key": queue},
            "priority": 0,
        },
    }
    return json.dumps(envelope).encode()


def play(run: Scenario, redis_server: RedisServer, poisons: list[bytes], personal: str, logged: str) -> None:
    """Push the poisons, then submit; everything is delivered, by the same worker, with nothing personal logged."""
    stack = run.stack
    worker = stack.processes["worker1"]
    pid = worker.popen.pid
    logged_before = worker.log_text().count(logged)
    reconnects_before = worker.log_text().count("Connection to broker lost")
    client = redis_server.client()
    try:
        for poison in poisons:
            client.lpush(stack.queue, poison)
        wait_until(lambda: client.llen(stack.queue) == 0, 30, "the worker to take the poison messages")
        run.submit(4)
        run.assert_all_delivered_once(run.settle())
        assert client.llen(stack.queue) == 0
    finally:
        client.close()
    assert worker.alive() and worker.popen.pid == pid, "the worker stopped"
    assert worker.log_text().count("Connection to broker lost") == reconnects_before, "a poison cost a reconnect"
    assert worker.log_text().count(logged) == logged_before + len(poisons), worker.log_text()[-3000:]
    for process in stack.processes.values():
        assert personal not in process.log_text(), f"{process.name} logged the poison's content"


def test_messages_that_are_not_json_are_dropped_and_the_queue_keeps_flowing(scenario, redis_server):
    run = scenario("poison: not JSON")
    personal = f"not-json-{run.tag}@example.com"
    queue = run.stack.queue
    poisons = [
        f"Name: {personal}".encode(),
        b"\xff\xfe" + personal.encode(),
        json.dumps({"email": personal}).encode(),
    ]
    play(run, redis_server, poisons, personal, "dropped a message from Redis that is not a kombu message")
    # A kombu message whose body is not JSON reaches Celery, which reports it without its content.
    run = scenario("poison: body not JSON")
    undecodable = task_message(queue, PROCESS_SUBMISSION, [], body=f"{{{personal}".encode())
    play(run, redis_server, [undecodable], personal, "dropped a message that cannot be decoded")


def test_a_message_for_an_unknown_task_is_dropped_and_the_queue_keeps_flowing(scenario, redis_server):
    run = scenario("poison: unknown task")
    personal = f"unknown-task-{run.tag}@example.com"
    poison = task_message(run.stack.queue, "summaries.tasks.email_everyone", [personal])
    play(run, redis_server, [poison], personal, "dropped a message for an unknown task")


def test_a_message_for_a_row_that_does_not_exist_is_dropped_and_the_queue_keeps_flowing(scenario, redis_server):
    run = scenario("poison: no such row")
    personal = f"no-row-{run.tag}@example.com"
    queue = run.stack.queue
    play(run, redis_server, [task_message(queue, PROCESS_SUBMISSION, [2_000_000_000])], personal, "does not exist")
    run = scenario("poison: row id not a number")
    play(run, redis_server, [task_message(queue, PROCESS_SUBMISSION, [personal])], personal, "is a str, not a number")
