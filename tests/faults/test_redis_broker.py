"""Faults of the broker, the worker and the mail server, on Redis (a redis-server of our own)."""

import os
import signal

import pytest
import redis

from tests.faults import plays
from tests.faults.conftest import ensure_running
from tests.faults.scoreboard import Scenario
from tests.integration.stack import wait_until

pytestmark = pytest.mark.faults


@pytest.fixture(scope="module")
def stack(make_fault_stack, redis_server):
    return make_fault_stack(broker_url=redis_server.url)


@pytest.fixture
def scenario(stack, sink, redis_server):
    if redis_server.process is None:
        redis_server.start()
    redis_server.resume()
    ensure_running(stack)
    return lambda name: Scenario(name, "redis", stack, sink)


# --- the broker ---------------------------------------------------------------------------


def test_submits_while_redis_refuses_connections_are_delivered_once_it_is_back(scenario, redis_server):
    plays.broker_down_at_submit(scenario("broker refusing at submit"), redis_server.kill, redis_server.start)


def test_submits_while_redis_hangs_are_delivered_once_it_answers_again(scenario, redis_server):
    plays.broker_down_at_submit(scenario("broker hung at submit"), redis_server.hang, redis_server.resume)


def test_jobs_queued_when_redis_is_flushed_are_delivered(scenario, redis_server):
    plays.queued_messages_lost(scenario("Redis FLUSHALL with jobs queued"), redis_server.flushall)


def test_jobs_queued_when_redis_restarts_without_persistence_are_delivered(scenario, redis_server):
    plays.queued_messages_lost(scenario("Redis restarted empty with jobs queued"), redis_server.restart)


# --- the worker ---------------------------------------------------------------------------


def test_jobs_are_delivered_after_the_worker_is_killed_mid_render(scenario, stack):
    run = scenario("worker SIGKILL mid-render")
    run.submit(6)
    worker = stack.processes["worker1"]
    # Frozen first, so the render cannot finish between looking and killing.
    run.freeze_while_one_is("rendering", lambda: worker.signal(signal.SIGSTOP), lambda: worker.signal(signal.SIGCONT))
    worker.kill()
    stack.start_worker("worker1")
    run.assert_all_delivered_once(run.settle())


def test_jobs_are_delivered_after_every_process_is_killed_mid_send(scenario, stack, sink):
    run = scenario("all processes SIGKILL mid-send")
    run.submit_with_the_first_email_held(4)
    abandoned_before = sink.abandoned
    # The whole machine going down: web, worker and beat at once.
    for process in stack.processes.values():
        process.kill()
    wait_until(lambda: sink.abandoned > abandoned_before, 10, "the mail server to see the sender vanish")
    stack.start_web()
    stack.start_worker("worker1")
    stack.start_beat()
    run.assert_all_delivered_once(run.settle())


def test_a_worker_stopped_with_sigterm_finishes_the_job_in_hand(scenario, stack, sink):
    run = scenario("worker SIGTERM mid-send")
    run.submit_with_the_first_email_held(4, seconds=1.5)
    held = next(s for s in run.submissions if run.status_of(s.token) == "sending")
    worker = stack.processes["worker1"]
    worker.signal_main(signal.SIGTERM)
    worker.wait_exit(60)
    assert run.status_of(held.token) == "sent"
    stack.start_worker("worker1")
    run.assert_all_delivered_once(run.settle())


def test_a_sigterm_to_the_whole_worker_process_group_leaves_the_job_to_be_picked_up_again(scenario, stack, sink):
    run = scenario("worker group SIGTERM mid-send")
    run.submit_with_the_first_email_held(4)
    abandoned_before = sink.abandoned
    worker = stack.processes["worker1"]
    # Some process managers signal every process of the service, the pool's children included.
    worker.signal(signal.SIGTERM)
    worker.wait_exit(60)
    assert sink.abandoned == abandoned_before + 1
    stack.start_worker("worker1")
    run.assert_all_delivered_once(run.settle())


def test_a_job_in_hand_leaves_no_copy_of_its_message_in_redis(scenario, sink, redis_server):
    # kombu's emulated acknowledgements are off (core/settings.py): they would keep a copy of
    # each message being run in Redis, at two more round trips per job, for a redelivery an
    # hour later that the row's lease and the sweep make needless (the tests above).
    run = scenario("job in hand, no copy in Redis")
    run.submit_with_the_first_email_held(2)
    client = redis.Redis.from_url(redis_server.url)
    try:
        assert [s for s in run.submissions if run.status_of(s.token) == "sending"]
        assert not [key for key in client.keys() if b"unacked" in key]
    finally:
        sink.release()
        client.close()
    run.assert_all_delivered_once(run.settle())


def test_a_render_that_hangs_is_stopped_by_the_hard_time_limit_and_done_again(scenario, stack):
    run = scenario("render hangs (hard time limit)")
    run.submit(6)
    worker = stack.processes["worker1"]
    [child] = worker.children()
    # A render that never ends: the pool process is frozen, so only the hard limit can end it.
    run.freeze_while_one_is("rendering", lambda: os.kill(child, signal.SIGSTOP), lambda: os.kill(child, signal.SIGCONT))
    run.assert_all_delivered_once(run.settle())
    assert "Hard time limit (8" in worker.log_text()


# --- the mail server ----------------------------------------------------------------------


def test_a_temporary_smtp_refusal_is_retried(scenario, sink):
    run = scenario("SMTP 451 once")
    refused_before = sink.refused
    sink.behaviour.fail_next = 1
    run.submit(4)
    run.assert_all_delivered_once(run.settle())
    assert sink.refused == refused_before + 1


def test_jobs_wait_out_a_mail_server_that_refuses_connections(scenario, sink):
    run = scenario("SMTP connection refused for a while")
    sink.stop()
    run.submit(4)
    wait_until(lambda: any(p["retrying"] for p in run.statuses().values()), 60, "a send to be retried")
    sink.start()
    run.assert_all_delivered_once(run.settle())


def test_an_unknown_recipient_fails_at_once_with_the_reason_and_can_be_retried_from_the_command_line(
    scenario, stack, sink
):
    run = scenario("SMTP 550 unknown recipient")
    unknown = {run.address(2), run.address(4)}
    sink.behaviour.unknown_recipients = unknown
    run.submit(4)
    row = run.settle()
    assert (row.delivered, row.failed, row.duplicates) == (2, 2, 0), row
    for submission in run.submissions:
        payload = stack.status(submission.token)
        if submission.address in unknown:
            assert payload["status"] == "failed"
            assert "550" in payload["reason"] and "No such user" in payload["reason"], payload
        else:
            assert payload["status"] == "sent"

    # The address is fixed on the mail server's side; the operator retries from the shell.
    sink.behaviour.unknown_recipients = set()
    retried = Scenario("failed, then `submissions retry-failed`", "redis", stack, sink)
    retried.submissions = [s for s in run.submissions if s.address in unknown]
    retried.submit_seconds = []
    output = stack.manage("submissions", "retry-failed")
    assert "Retrying 2 submission(s)" in output, output
    retried.assert_all_delivered_once(retried.settle())


def test_a_mail_server_that_never_answers_is_timed_out_and_retried(scenario, sink):
    run = scenario("SMTP hangs (EMAIL_TIMEOUT)")
    abandoned_before = sink.abandoned
    sink.hold_next(1)
    run.submit(4)
    run.assert_all_delivered_once(run.settle())
    assert sink.abandoned == abandoned_before + 1


def test_a_send_hanging_past_the_soft_time_limit_is_stopped_and_retried(scenario, stack, sink):
    run = scenario("SMTP hangs (soft time limit)")
    # A worker that would wait for the mail server longer than the job may run.
    stack.processes["worker1"].stop()
    stack.start_worker("worker1", EMAIL_TIMEOUT="60")
    abandoned_before = sink.abandoned
    sink.hold_next(1)
    run.submit(4)
    row = run.settle()
    stack.processes["worker1"].stop()
    run.assert_all_delivered_once(row)
    assert sink.abandoned == abandoned_before + 1
    events = stack.manage("shell", "-c", SHOW_EVENTS % run.submissions[0].token)
    assert "took too long" in events, events


SHOW_EVENTS = (
    "from summaries.models import Submission; "
    "print(*Submission.objects.get(token='%s').events.values_list('detail', flat=True), sep='\\n')"
)
