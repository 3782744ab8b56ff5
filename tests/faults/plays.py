"""Scenarios that are played the same way on every broker; only the fault itself differs."""

from collections.abc import Callable

from tests.faults.scoreboard import Scenario


def broker_down_at_submit(run: Scenario, break_broker: Callable[[], None], mend_broker: Callable[[], None]) -> None:
    """Submits while the broker is broken answer as usual, and are delivered once it is mended."""
    # Two submits go through first, so the fault meets the relay's already-open pooled connection.
    run.submit(2)
    break_broker()
    run.submit(4)
    mend_broker()
    run.assert_all_delivered_once(run.settle())


def queued_messages_lost(run: Scenario, lose_messages: Callable[[], None]) -> None:
    """Messages waiting in the broker vanish while the worker is busy; the sweep brings the jobs back."""
    run.submit_with_the_first_email_held(4)
    lose_messages()
    run.sink.release()
    run.assert_all_delivered_once(run.settle())


def worker_killed_mid_send(run: Scenario) -> None:
    """SIGKILL while the mail server holds its reply: nothing was accepted, so it is sent once, later."""
    run.submit_with_the_first_email_held(4)
    abandoned_before = run.sink.abandoned
    run.stack.processes["worker1"].kill()
    run.stack.start_worker("worker1")
    run.assert_all_delivered_once(run.settle())
    assert run.sink.abandoned == abandoned_before + 1
