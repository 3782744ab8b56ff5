"""The sweep has a queue of its own: a backlog of PDF jobs never holds it up."""

import re

import pytest
import redis

from tests.integration.services import require_redis
from tests.integration.stack import wait_until

pytestmark = pytest.mark.integration

SWEEP_DONE = re.compile(r"sweep_stalled_submissions\[\S+\] succeeded")


def test_a_backlog_of_pdf_jobs_does_not_hold_up_the_sweep(make_stack):
    redis_url = require_redis()
    stack = make_stack(broker_url=redis_url)
    stack.prepare()
    stack.start_web()
    stack.submit_many("backlog", 40)
    broker = redis.Redis.from_url(redis_url)
    # No worker yet, so no relay: the rows wait in the database until the command publishes them.
    assert broker.llen(stack.queue) == 0
    stack.manage("submissions", "requeue-stuck")
    wait_until(lambda: broker.llen(stack.queue) == 40, 10, "all 40 jobs in the PDF queue")

    # One worker on both queues, as the Procfile starts it. A sweep expires after one interval:
    # on the PDF queue it would wait behind the backlog and expire, again and again.
    stack.start_beat()
    worker = stack.start_worker(concurrency=1)
    wait_until(lambda: SWEEP_DONE.search(worker.log_text()), 120, "a sweep run by the worker")

    assert broker.llen(stack.queue) > 0, "the sweep ran only once the PDF backlog was gone"
