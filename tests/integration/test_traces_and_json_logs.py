"""Traces and JSON logs over real processes: the web's span and the worker's share one trace id."""

import json

import pytest

from tests.integration.stack import VALID_ANSWERS

pytestmark = pytest.mark.integration


def json_lines(text: str) -> list[dict]:
    objects = []
    for line in text.splitlines():
        start = line.find("{")
        if start < 0:
            continue
        try:
            parsed = json.loads(line[start:])
        except ValueError:
            continue
        if isinstance(parsed, dict):
            objects.append(parsed)
    return objects


def test_one_trace_from_the_post_to_the_send_and_json_log_lines_with_its_ids(make_stack, smtp_sink):
    # Spans one per line on each process's standard output (the stack's log files), logs as JSON.
    stack = make_stack(extra_env={"OTEL_TRACES_EXPORTER": "console", "LOG_FORMAT": "json"})
    stack.prepare()
    web = stack.start_web(workers=2)
    worker = stack.start_worker("worker1", concurrency=2)
    stack.wait_for_status(stack.submit_ok(email="traced@example.com"), "sent", timeout=120)

    web_spans = [line for line in json_lines(web.log_text()) if "context" in line]
    worker_spans = [line for line in json_lines(worker.log_text()) if "context" in line]
    [submit] = [span for span in web_spans if span["name"] == "submit"]
    submission_id = submit["attributes"]["submission.id"]
    trace_id = submit["context"]["trace_id"]
    ours = [span for span in worker_spans if span["context"]["trace_id"] == trace_id]
    assert sorted(span["name"] for span in ours) == ["process_submission", "publish", "render", "send"]
    by_name = {span["name"]: span for span in ours}
    assert by_name["process_submission"]["parent_id"] == submit["context"]["span_id"]
    assert by_name["send"]["parent_id"] == by_name["process_submission"]["context"]["span_id"]
    assert by_name["send"]["attributes"]["messaging.message.id"].startswith(f"<summary-{submission_id}-")
    everything = json.dumps([submit, *ours])
    for answer in ("traced@example.com", VALID_ANSWERS["name"], VALID_ANSWERS["about"]):
        assert answer not in everything

    # The worker's log lines for this submission carry its id, the task's id and the trace id.
    logged = [line for line in json_lines(worker.log_text()) if line.get("logger") == "summaries.state"]
    sent = [line for line in logged if line["submission_id"] == submission_id and "status=sent" in line["message"]]
    assert len(sent) == 1
    assert sent[0]["task_id"] and sent[0]["trace_id"] == trace_id.removeprefix("0x")
    assert {"time", "level", "logger", "message"} <= set(sent[0])
