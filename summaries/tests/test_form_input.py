"""Every field of the form: bounded, validated, normalised; a bad one is named and saves nothing."""

import pytest

from summaries.models import Submission

pytestmark = pytest.mark.django_db

MAX_LENGTHS = {"email": 254, "name": 100, "about": 2000, "hobby": 100, "saying": 200, "dream_job": 100}
SINGLE_LINE_FIELDS = ["name", "hobby", "saying", "dream_job"]


def post(client, answers):
    return client.post("/", answers)


def field_errors(response, field):
    return response.context["form"].errors.get(field, [])


@pytest.mark.parametrize("field", [f for f in MAX_LENGTHS if f != "email"])
def test_a_text_answer_at_its_limit_is_accepted_and_one_more_character_is_refused(client, answers, field):
    limit = MAX_LENGTHS[field]
    assert post(client, {**answers, field: "é" * limit}).status_code == 302
    response = post(client, {**answers, field: "é" * (limit + 1)})
    assert response.status_code == 400
    assert f"at most {limit} characters" in " ".join(field_errors(response, field))
    assert Submission.objects.count() == 1


def test_an_email_longer_than_254_characters_is_refused(client, answers):
    address = "a" * 64 + "@" + ".".join(["b" * 60] * 3) + ".example.com"
    assert len(address) > 254
    response = post(client, {**answers, "email": address})
    assert response.status_code == 400 and field_errors(response, "email")
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    "address",
    [
        "not-an-email",
        "a@b",
        "ada@example.com\r\nBcc: victim@example.com",
        "ada@example.com\nBcc: victim@example.com",
        "ada@example.com, bob@example.com",
        "Ada <ada@example.com>",
        "ada@exa mple.com",
        "ada@example.com\x00",
        "",
    ],
)
def test_an_email_address_django_would_not_accept_is_refused_next_to_the_field(client, answers, address):
    response = post(client, {**answers, "email": address})
    assert response.status_code == 400
    assert field_errors(response, "email")
    assert 'id="id_email_error"' in response.text
    assert not Submission.objects.exists()


@pytest.mark.parametrize("colour", ["Orange", "red", "Red ", "<b>Red</b>", ""])
def test_a_colour_outside_the_list_is_refused(client, answers, colour):
    response = post(client, {**answers, "color": colour})
    assert response.status_code == 400 and field_errors(response, "color")
    assert not Submission.objects.exists()


@pytest.mark.parametrize("field", SINGLE_LINE_FIELDS)
@pytest.mark.parametrize("bad", ["a\r\nb", "a\nb", "a\rb", "a\x00b", "a\x1bb", "a\x85b", "a\u2028b", "a\tb", "a\x7fb"])
def test_line_breaks_and_control_characters_are_refused_in_single_line_answers(client, answers, field, bad):
    response = post(client, {**answers, field: bad})
    assert response.status_code == 400
    assert field_errors(response, field)
    assert not Submission.objects.exists()


def test_the_about_answer_keeps_its_line_breaks_as_plain_newlines(client, answers):
    assert post(client, {**answers, "about": "one\r\ntwo\rthree\n\tfour"}).status_code == 302
    assert Submission.objects.get().about == "one\ntwo\nthree\n\tfour"


@pytest.mark.parametrize("bad", ["a\x00b", "a\x1b[31mb", "a\x0cb", "a\u2029b"])
def test_the_about_answer_refuses_other_control_characters(client, answers, bad):
    response = post(client, {**answers, "about": bad})
    assert response.status_code == 400 and field_errors(response, "about")
    assert not Submission.objects.exists()


def test_answers_are_stored_nfc_normalised(client, answers):
    decomposed = "Ade\u0301le"
    assert post(client, {**answers, "name": decomposed, "about": "cafe\u0301"}).status_code == 302
    submission = Submission.objects.get()
    assert submission.name == "Ad\u00e9le"
    assert submission.about == "caf\u00e9"


def test_a_filled_in_honeypot_is_refused_with_a_message_and_saves_nothing(client, answers):
    response = post(client, {**answers, "website": "http://spam.example"})
    assert response.status_code == 400
    assert "Leave empty" in response.text
    assert not Submission.objects.exists()


def test_the_honeypot_is_hidden_by_a_class_not_an_inline_style_and_away_from_assistive_technology(client):
    page = client.get("/").text
    assert '<div class="hp" aria-hidden="true">' in page
    assert 'name="website"' in page and 'tabindex="-1"' in page and 'autocomplete="off"' in page
    assert "style=" not in page


def test_every_text_input_tells_the_browser_its_maximum_length(client):
    page = client.get("/").text
    for field, limit in MAX_LENGTHS.items():
        assert f'maxlength="{limit}"' in page.split(f'name="{field}"')[1].split(">")[0] or (
            f'maxlength="{limit}"' in page.split(f'name="{field}"')[0].rsplit("<", 1)[1]
        )
