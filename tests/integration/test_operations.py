"""What the person running it relies on, over real processes: /healthz and the state logs."""

import re

import pytest
import requests

from tests.integration.stack import VALID_ANSWERS, wait_until

pytestmark = pytest.mark.integration


def _health(stack) -> requests.Response:
    return requests.get(stack.base_url + "/healthz", timeout=10)


def test_healthz_follows_the_worker_and_state_changes_are_logged_with_task_ids(make_stack, smtp_sink):
    stack = make_stack(extra_env={"WORKER_HEARTBEAT_INTERVAL_SECONDS": "1"}).prepare()
    stack.start_web()
    assert _health(stack).status_code == 503
    assert _health(stack).json()["checks"]["workers"] == {"ok": False, "alive": 0}

    worker = stack.start_worker()
    healthy = wait_until(lambda: _health(stack).status_code == 200 and _health(stack).json(), 15, "a healthy stack")
    assert healthy["checks"] == {"database": {"ok": True}, "broker": {"ok": True}, "workers": {"ok": True, "alive": 1}}

    token = stack.submit_ok()
    stack.wait_for_status(token, "sent", timeout=60)
    lines = [line for line in worker.log_text().splitlines() if " summaries.state " in line]
    statuses = [re.search(r"status=(\w+)", line).group(1) for line in lines]
    assert statuses == ["rendering", "rendered", "sending", "sent"]
    task_ids = {re.search(r"task=(\S+)", line).group(1) for line in lines}
    assert len(task_ids) == 1 and re.fullmatch(r"[0-9a-f-]{36}", task_ids.pop())
    logs = stack.logs()
    for answer in (VALID_ANSWERS["email"], VALID_ANSWERS["name"], VALID_ANSWERS["about"]):
        assert answer not in logs

    # A worker stopping cleanly takes its heartbeat with it: nobody is left to do the work.
    worker.stop()
    assert _health(stack).status_code == 503
