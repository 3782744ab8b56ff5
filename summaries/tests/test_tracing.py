"""Traces: off costs an import of nothing; on, one trace from the POST to the SMTP send, with ids only."""

import json

import pytest
from django.urls import reverse

from summaries.models import Submission
from summaries.observability import tracing
from summaries.services.emailing import message_id_for
from summaries.services.relay import publish_new_submissions
from summaries.tasks import process_submission
from summaries.tests.factories import ANSWERS
from summaries.tests.fresh_process import TEST_CLIENT_VARIABLES, run_python


@pytest.fixture
def finished_spans(settings, monkeypatch):
    """Tracing on, with the spans kept in memory instead of exported."""
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    settings.OTEL_TRACES_EXPORTER = "console"
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(tracing, "_tracer", lambda: provider.get_tracer(tracing.TRACER_NAME))
    return exporter.get_finished_spans


@pytest.mark.django_db(transaction=True)
def test_the_post_publish_job_render_and_send_share_one_trace(client, finished_spans, published):
    assert client.post(reverse("summaries:form"), ANSWERS).status_code == 302
    submission = Submission.objects.get()
    assert submission.trace_context.startswith("00-")
    publish_new_submissions()
    process_submission(submission.pk)

    spans = {span.name: span for span in finished_spans()}
    assert set(spans) == {"submit", "publish", "process_submission", "render", "send"}
    assert {span.context.trace_id for span in spans.values()} == {spans["submit"].context.trace_id}
    assert spans["publish"].parent.span_id == spans["submit"].context.span_id
    assert spans["process_submission"].parent.span_id == spans["submit"].context.span_id
    assert spans["render"].parent.span_id == spans["process_submission"].context.span_id
    assert spans["send"].parent.span_id == spans["process_submission"].context.span_id
    assert spans["submit"].attributes["submission.id"] == submission.pk
    assert spans["send"].attributes["messaging.message.id"] == message_id_for(submission)

    everything = json.dumps([json.loads(span.to_json()) for span in spans.values()])
    for answer in ANSWERS.values():
        assert answer not in everything


@pytest.mark.django_db(transaction=True)
def test_an_invalid_post_is_traced_without_its_answers(client, finished_spans):
    client.post(reverse("summaries:form"), {**ANSWERS, "email": "not-an-address"})
    [span] = finished_spans()
    assert span.name == "submit" and dict(span.attributes) == {}


def test_tracing_is_on_only_when_an_exporter_or_endpoint_is_set(settings):
    settings.OTEL_TRACES_EXPORTER, settings.OTEL_EXPORTER_OTLP_ENDPOINT = "", ""
    assert not tracing.tracing_enabled()
    settings.OTEL_EXPORTER_OTLP_ENDPOINT = "http://127.0.0.1:4318"
    assert tracing.tracing_enabled()
    settings.OTEL_TRACES_EXPORTER = "none"
    assert not tracing.tracing_enabled()
    settings.OTEL_EXPORTER_OTLP_ENDPOINT, settings.OTEL_TRACES_EXPORTER = "", "console"
    assert tracing.tracing_enabled()


OFF_PROBE = """
import sys, django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
from django.core.management import call_command
call_command("migrate", verbosity=0)
setup_test_environment()
from summaries.tests.answers import ANSWERS
from summaries.models import Submission
from summaries.tasks import process_submission
assert Client().post("/", ANSWERS).status_code == 302
process_submission(Submission.objects.get().pk)
assert Submission.objects.get().status == "sent", Submission.objects.get().status
print(sorted({name.split(".")[0] for name in sys.modules if name.startswith(("opentelemetry", "sentry_sdk"))}))
"""


def test_with_tracing_off_a_submit_and_a_job_never_import_the_sdk(tmp_path):
    result = run_python(
        tmp_path, OFF_PROBE, **TEST_CLIENT_VARIABLES, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1] == "[]"
