"""Property-based: whatever is posted, the answer is never a 5xx and only valid rows are stored."""

import pytest
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summaries.forms import SubmissionForm
from summaries.models import Color, Submission
from summaries.tests.factories import ANSWERS as VALID_ANSWERS

pytestmark = pytest.mark.django_db

FIELDS = list(VALID_ANSWERS)
# Anything a browser or a script could send, control characters and astral planes included.
any_text = st.text(st.characters(codec="utf-8"), max_size=300)
near_limit_text = st.integers(0, 2100).map(lambda n: "é" * n)
field_value = st.one_of(
    any_text,
    near_limit_text,
    st.sampled_from([*Color.values, "", " ", "\r\n", "a@b.c", "x@example.com\r\nBcc: y@example.com", "<b>x</b>"]),
)
changes = st.fixed_dictionaries(
    {}, optional={name: field_value for name in [*FIELDS, "website", "csrfmiddlewaretoken", "extra"]}
)
# Valid answers with some replaced or left out, so that many examples come close to being stored.
answers_strategy = st.tuples(changes, st.sets(st.sampled_from(FIELDS))).map(
    lambda pair: {k: v for k, v in {**VALID_ANSWERS, **pair[0]}.items() if k not in pair[1]}
)
CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=b",
    "multipart/form-data",
    "application/json",
    "text/plain",
    "application/x-www-form-urlencoded; charset=latin-1",
]

PROPERTY_SETTINGS = settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def assert_only_valid_rows() -> None:
    for row in Submission.objects.all():
        stored = {name: getattr(row, name) for name in FIELDS}
        form = SubmissionForm(stored)
        assert form.is_valid(), (stored, form.errors)
        # Valid, and already in the form the form would store: normalised, nothing left to clean.
        assert form.answers() == stored


@override_settings(RATE_LIMIT_PER_IP=None, RATE_LIMIT_PER_RECIPIENT=None)
@PROPERTY_SETTINGS
@given(answers=answers_strategy)
def test_any_field_values_get_a_non_server_error_and_store_only_valid_rows(db, answers):
    before = Submission.objects.count()
    response = Client().post("/", answers)
    assert response.status_code in (302, 400), response.status_code
    # A redirect means exactly one new row, a refusal means none.
    assert Submission.objects.count() == before + (response.status_code == 302)
    assert_only_valid_rows()


@override_settings(RATE_LIMIT_PER_IP=None, RATE_LIMIT_PER_RECIPIENT=None)
@settings(PROPERTY_SETTINGS, max_examples=300)
@given(body=st.binary(max_size=2000), content_type=st.sampled_from(CONTENT_TYPES))
def test_any_body_gets_a_non_server_error_and_stores_only_valid_rows(db, body, content_type):
    response = Client().generic("POST", "/", body, content_type=content_type)
    assert response.status_code < 500, response.status_code
    assert_only_valid_rows()
