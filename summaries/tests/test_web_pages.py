"""The form and status pages: accessible errors, a status page that updates itself, nothing inline."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from summaries.models import Submission, SubmissionStatus

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# Emails and the PDF are not web pages: no Content-Security-Policy applies to them.
NOT_WEB_PAGES = {"email_body.html", "summary_pdf.html"}
INLINE_CODE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)

ANSWERS = {
    "email": "ada@example.com",
    "name": "Ada Lovelace",
    "about": "I write programs.",
    "hobby": "Mathematics",
    "color": "Purple",
    "saying": "",
    "dream_job": "",
}


def _submission(**fields) -> Submission:
    return Submission.objects.create(**{**ANSWERS, **fields})


@pytest.mark.parametrize(
    "template",
    sorted(p for p in TEMPLATES.rglob("*.html") if p.name not in NOT_WEB_PAGES),
    ids=lambda p: str(p.relative_to(TEMPLATES)),
)
def test_no_web_page_template_has_inline_script_or_style(template):
    assert INLINE_CODE.findall(template.read_text()) == []


def test_the_inline_code_check_catches_what_it_should():
    samples = ["<script>alert(1)</script>", '<p style="color:red">', "<style>p{}</style>", '<a onclick="x()">']
    assert all(INLINE_CODE.search(sample) for sample in samples)
    assert not INLINE_CODE.search('<script src="/static/summaries/status.js" defer></script>')


@pytest.mark.django_db
def test_a_mistake_puts_the_cursor_in_the_first_field_to_correct(client):
    response = client.post("/", {**ANSWERS, "email": "not-an-address", "hobby": ""})

    assert response.status_code == 400
    html = response.content.decode()
    email_input = re.search(r'<input[^>]*name="email"[^>]*>', html).group(0)
    hobby_input = re.search(r'<input[^>]*name="hobby"[^>]*>', html).group(0)
    assert "autofocus" in email_input
    assert "autofocus" not in hobby_input
    assert 'aria-invalid="true"' in email_input and 'aria-invalid="true"' in hobby_input
    assert 'aria-describedby="id_email_error"' in email_input
    assert re.search(r'<ul class="errorlist" id="id_email_error"><li>Enter a valid email address.</li>', html)
    assert "Please correct these 2 answers" in html
    assert '<a href="#id_hobby">Favorite Hobby: This field is required.</a>' in html
    assert Submission.objects.count() == 0


@pytest.mark.django_db
def test_an_unfilled_form_has_no_autofocus_and_labels_every_field(client):
    html = client.get("/").content.decode()

    assert "autofocus" not in html
    for field in ANSWERS:
        assert f'<label for="id_{field}">' in html
    assert 'autocomplete="email"' in html


@pytest.mark.django_db
def test_the_status_page_loads_its_updater_and_shows_the_current_step(client):
    submission = _submission(status=SubmissionStatus.RENDERING)

    html = client.get(reverse("summaries:status", args=[submission.token])).content.decode()

    assert '<script src="/static/summaries/status.js" defer></script>' in html
    assert f'data-status-url="/s/{submission.token}/status.json"' in html
    assert re.search(r'<li data-step="rendering" class="step step-current" aria-current="step">', html)
    assert 'role="status"' in html
    assert '<a class="button" id="download" href="" download="summary.pdf" hidden>' in html
    # Without JavaScript, the page reloads itself until the work is done.
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in html


@pytest.mark.django_db
def test_a_finished_status_page_stops_updating(client):
    submission = _submission(status=SubmissionStatus.FAILED, last_error="550 No such user")

    html = client.get(reverse("summaries:status", args=[submission.token])).content.decode()

    assert "data-done" in html
    assert "http-equiv" not in html
    assert '<p id="status-reason" class="status-reason">550 No such user</p>' in html


@pytest.mark.django_db
def test_the_status_json_is_what_the_page_shows(client):
    submission = _submission(status=SubmissionStatus.RECEIVED)

    response = client.get(reverse("summaries:status_json", args=[submission.token]))

    assert response["Cache-Control"] == "no-store"
    payload = response.json()
    assert payload["status"] == "received"
    first_step = {"name": "received", "label": "Received", "state": "current", "state_text": "in progress"}
    assert payload["progress"][0] == first_step
    assert payload["message"] in client.get(reverse("summaries:status", args=[submission.token])).content.decode()
