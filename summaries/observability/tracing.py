"""OpenTelemetry traces: one trace per submission, from the POST to the SMTP send.

Off unless OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_TRACES_EXPORTER is set; then every function here
returns at once and the OpenTelemetry SDK is never imported. On, the web's span around the POST
stores its trace context (W3C traceparent) on the row, because the web never publishes: the
relay's publish and the worker's job read it from the row and continue the same trace, the render
and the send as children of the job. Spans carry ids only (submission id, Message-ID): never
answers, names or addresses.
"""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

TRACER_NAME = "aboutme"
_OFF = nullcontext()


@cache
def tracing_enabled() -> bool:
    # Read once per process: every submit and job asks, and a settings lookup costs microseconds.
    exporter = settings.OTEL_TRACES_EXPORTER.strip().lower()
    return exporter not in {"", "none"} or (exporter == "" and bool(settings.OTEL_EXPORTER_OTLP_ENDPOINT))


@receiver(setting_changed, dispatch_uid="summaries.observability.tracing.forget_switch")
def _forget_switch(*, setting: str, **_signal) -> None:
    if setting in {"OTEL_TRACES_EXPORTER", "OTEL_EXPORTER_OTLP_ENDPOINT"}:
        tracing_enabled.cache_clear()


@cache
def _provider_for_process(pid: int):
    """One tracer provider per process: a forked child (gunicorn, Celery) makes its own export thread."""
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor

    service = os.environ.get("OTEL_SERVICE_NAME", "aboutme")
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    if settings.OTEL_TRACES_EXPORTER.strip().lower() == "console":
        # One span per line on standard output, written as it ends: for development and the tests.
        # The process's real standard output: a Celery worker replaces sys.stdout with a logger.
        exporter = ConsoleSpanExporter(
            out=sys.__stdout__, formatter=lambda span: span.to_json(indent=None) + os.linesep
        )
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        # The endpoint, headers and timeout come from the standard OTEL_EXPORTER_OTLP_* variables.
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return provider


def _tracer():
    return _provider_for_process(os.getpid()).get_tracer(TRACER_NAME)


def _parent_context(traceparent: str):
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    return TraceContextTextMapPropagator().extract({"traceparent": traceparent}) if traceparent else None


@contextmanager
def _span(name: str, *, traceparent: str | None, attributes: dict) -> Iterator[None]:
    kwargs = {"attributes": attributes}
    if traceparent is not None:
        kwargs["context"] = _parent_context(traceparent)
    with _tracer().start_as_current_span(name, **kwargs):
        yield


def span(name: str, **attributes):
    """A child span of the current one (render, send), with ids as attributes."""
    if not tracing_enabled():
        return _OFF
    return _span(name, traceparent=None, attributes=_ids(attributes))


def span_for_submission(name: str, submission_id: int):
    """A span continuing the trace stored on the row (the relay's publish, the worker's job)."""
    if not tracing_enabled():
        return _OFF
    from summaries.models import Submission

    stored = Submission.objects.filter(pk=submission_id).values_list("trace_context", flat=True).first()
    return _span(name, traceparent=stored or "", attributes={"submission.id": submission_id})


def submit_span():
    """The web's span around a POST of the form; the new row takes its context (current_traceparent)."""
    return span("submit")


def annotate(**attributes) -> None:
    """Ids learnt inside the span (the new submission's id)."""
    if tracing_enabled():
        from opentelemetry import trace

        trace.get_current_span().set_attributes(_ids(attributes))


def current_traceparent() -> str:
    """The current span's W3C traceparent, to keep on the row; "" when tracing is off."""
    if not tracing_enabled():
        return ""
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    carrier: dict[str, str] = {}
    TraceContextTextMapPropagator().inject(carrier)
    return carrier.get("traceparent", "")


def current_trace_id() -> str | None:
    if not tracing_enabled():
        return None
    from opentelemetry import trace

    context = trace.get_current_span().get_span_context()
    return f"{context.trace_id:032x}" if context.is_valid else None


# Only these attribute names may be set: ids, never what a person wrote.
_ALLOWED_ATTRIBUTES = {"submission_id": "submission.id", "message_id": "messaging.message.id"}


def _ids(attributes: dict) -> dict:
    return {_ALLOWED_ATTRIBUTES[name]: value for name, value in attributes.items() if value is not None}


def send_span(submission):
    """The span of one SMTP send, with the email's Message-ID."""
    if not tracing_enabled():
        return _OFF
    from summaries.services.emailing import message_id_for

    kind = "summary" if submission.status == "sending" else "confirm"
    return span("send", submission_id=submission.pk, message_id=message_id_for(submission, kind=kind))
