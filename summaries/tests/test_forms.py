import pytest

from summaries.forms import SubmissionForm
from summaries.tests.factories import ANSWERS


def test_it_accepts_the_tutorials_answers():
    form = SubmissionForm(data=ANSWERS)
    assert form.is_valid(), form.errors


def test_saying_and_dream_job_are_optional():
    form = SubmissionForm(data={**ANSWERS, "saying": "", "dream_job": ""})
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("field", ["email", "name", "about", "hobby", "color"])
def test_it_requires_each_mandatory_field(field):
    form = SubmissionForm(data={**ANSWERS, field: ""})
    assert not form.is_valid()
    assert field in form.errors


def test_it_rejects_a_colour_outside_the_seven_choices():
    form = SubmissionForm(data={**ANSWERS, "color": "Orange"})
    assert not form.is_valid()
    assert "color" in form.errors


def test_it_rejects_an_invalid_email():
    form = SubmissionForm(data={**ANSWERS, "email": "not-an-address"})
    assert not form.is_valid()
    assert "email" in form.errors


@pytest.mark.parametrize(
    ("field", "limit"), [("name", 100), ("about", 2000), ("hobby", 100), ("saying", 200), ("dream_job", 100)]
)
def test_it_rejects_answers_over_their_maximum_length(field, limit):
    assert SubmissionForm(data={**ANSWERS, field: "x" * limit}).is_valid()
    form = SubmissionForm(data={**ANSWERS, field: "x" * (limit + 1)})
    assert not form.is_valid()
    assert field in form.errors
