"""What tracing and metrics cost when they are off: every call one submit and one job make.

    READ_DOTENV=0 SECRET_KEY=x python -m bench.observability_off

Run with no METRICS_TOKEN, OTEL_* or SENTRY_DSN set. Prints one JSON line: the time of those
calls, of an empty function call for scale, and whether any of the SDKs was imported.
"""

import json
import os
import sys
import timeit
from types import SimpleNamespace

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")

import django  # noqa: E402

django.setup()

from summaries.observability import metrics, tracing  # noqa: E402

CALLS_PER_MEASURE = 20_000
SDKS = ("opentelemetry", "sentry_sdk", "prometheus_client")


def one_submit_and_one_job() -> None:
    """The observability calls of views._submit, intake, publishing, tasks, pipeline and claims."""
    sending = SimpleNamespace(pk=1, status="sending")
    with tracing.submit_span():
        tracing.current_traceparent()
        metrics.count_accepted()
        tracing.annotate(submission_id=1)
    with tracing.span_for_submission("publish", 1):
        pass
    with tracing.span_for_submission("process_submission", 1):
        with tracing.span("render", submission_id=1), metrics.timed_render():
            pass
        with tracing.send_span(sending), metrics.timed_send():
            pass
        for status in ("rendering", "rendered", "sending", "sent"):
            metrics.count_state_change(status)
            tracing.current_trace_id()


def empty() -> None:
    pass


def per_call_ns(function) -> float:
    return min(timeit.repeat(function, number=CALLS_PER_MEASURE, repeat=5)) / CALLS_PER_MEASURE * 1e9


if __name__ == "__main__":
    if metrics.metrics_enabled() or tracing.tracing_enabled():
        sys.exit("Unset METRICS_TOKEN and OTEL_*: this measures them off.")
    result = {
        "submit_and_job_calls_ns": round(per_call_ns(one_submit_and_one_job)),
        "empty_call_ns": round(per_call_ns(empty)),
        "sdks_imported": sorted({name.split(".")[0] for name in sys.modules if name.startswith(SDKS)}),
    }
    print(json.dumps(result))
