"""Sentry's events leave with no answers: the scrubber, and a real event captured from a failing submit."""

import json

from summaries.observability.error_reports import FILTERED, scrub_event
from summaries.tests.answers import ANSWERS
from summaries.tests.fresh_process import TEST_CLIENT_VARIABLES, run_python


def test_the_forms_answers_are_taken_out_of_the_request():
    event = {"request": {"method": "POST", "data": {**ANSWERS, "website": "x", "csrfmiddlewaretoken": "t"}}}
    data = scrub_event(event)["request"]["data"]
    assert {name: data[name] for name in ANSWERS} == dict.fromkeys(ANSWERS, FILTERED)
    assert data["website"] == FILTERED and data["csrfmiddlewaretoken"] == "t"


def test_a_raw_body_is_taken_out_whole():
    assert scrub_event({"request": {"data": "email=ada%40example.com&name=Ada"}})["request"]["data"] == FILTERED


def test_addresses_in_exceptions_messages_and_breadcrumbs_are_replaced_and_frame_variables_dropped():
    event = {
        "exception": {
            "values": [
                {
                    "value": "{'ada@example.com': (550, b'no such user')}",
                    "stacktrace": {"frames": [{"function": "deliver", "vars": {"answers": dict(ANSWERS)}}]},
                }
            ]
        },
        "logentry": {"message": "refused %s", "params": ["ada@example.com"]},
        "message": "mail to ada@example.com failed",
        "breadcrumbs": {"values": [{"message": "RCPT TO:<ada@example.com>"}]},
    }
    text = json.dumps(scrub_event(event))
    assert "ada@example.com" not in text and "Ada Lovelace" not in text
    assert "<address>" in text


def test_an_event_with_nothing_personal_is_left_as_it_is():
    event = {"level": "error", "exception": {"values": [{"type": "RuntimeError", "value": "database gone"}]}}
    assert scrub_event(json.loads(json.dumps(event))) == event


SENTRY_PROBE = """
import json, django, sentry_sdk
django.setup()
from django.core.management import call_command
from django.test import Client
from django.test.utils import setup_test_environment
from summaries import views
from summaries.tests.answers import ANSWERS
from summaries.tests.fresh_process import TEST_CLIENT_VARIABLES, run_python

call_command("migrate", verbosity=0)
setup_test_environment()
envelopes = []
sentry_sdk.get_client().transport.capture_envelope = envelopes.append

def broken_intake(answers, **options):
    raise RuntimeError(f"could not store {answers['email']}")

views.accept_submission = broken_intake
response = Client(raise_request_exception=False).post("/", ANSWERS)
assert response.status_code == 500, response.status_code
sentry_sdk.flush()
events = [item.payload.json for envelope in envelopes for item in envelope.items if item.type == "event"]
print(json.dumps(events))
"""


def test_an_error_in_a_submit_reaches_sentry_without_the_answers(tmp_path):
    # The DSN is never contacted: the probe takes the envelopes before they are sent.
    result = run_python(tmp_path, SENTRY_PROBE, **TEST_CLIENT_VARIABLES, SENTRY_DSN="http://public@127.0.0.1:9/1")
    assert result.returncode == 0, result.stderr[-3000:]
    [event] = json.loads(result.stdout.strip().splitlines()[-1])
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["request"]["data"]["name"] == FILTERED
    text = json.dumps(event)
    for answer in ANSWERS.values():
        assert answer not in text
