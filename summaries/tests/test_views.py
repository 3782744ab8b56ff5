import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from summaries.models import RateLimitCount, Submission, SubmissionStatus
from summaries.services.relay import unpublished_submissions
from summaries.tests.factories import ANSWERS, make_submission

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_form_page_shows_every_field(client):
    response = client.get(reverse("summaries:form"))
    assert response.status_code == 200
    for name in ANSWERS:
        assert f'name="{name}"' in response.text


def test_a_valid_post_saves_once_and_redirects_to_the_status_page(client, published):
    response = client.post(reverse("summaries:form"), ANSWERS)
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("summaries:status", args=[submission.token])
    assert submission.status == SubmissionStatus.RECEIVED
    # The web hands nothing to the broker: the row waits, committed, for a worker's relay.
    assert published == []
    assert list(unpublished_submissions()) == [submission]


def test_the_status_page_says_the_tutorials_words_and_the_submit_sets_no_message_cookie(client, published):
    response = client.post(reverse("summaries:form"), ANSWERS)
    assert "messages" not in response.cookies
    page = client.get(response["Location"])
    assert "Your summary is being generated and will be emailed shortly." in page.text


def test_an_invalid_post_shows_the_error_keeps_the_answers_and_saves_nothing(client, published):
    response = client.post(reverse("summaries:form"), {**ANSWERS, "email": "nope"})
    assert response.status_code == 400
    assert "Enter a valid email address." in response.text
    assert 'value="Ada Lovelace"' in response.text
    assert Submission.objects.count() == 0
    assert published == []


def test_a_submit_is_the_limits_and_the_row_in_one_commit_and_nothing_else(client, settings, published):
    settings.RATE_LIMIT_PER_IP = settings.RATE_LIMIT_PER_RECIPIENT = (5, 3600)
    with CaptureQueriesContext(connection) as queries:
        assert client.post(reverse("summaries:form"), ANSWERS).status_code == 302
    # Both counts, the suppression list and the row: one transaction, no savepoints, one commit,
    # no broker round trip.
    assert [query["sql"].split()[0] for query in queries] == ["BEGIN", "INSERT", "SELECT", "INSERT", "COMMIT"]
    assert RateLimitCount.objects.count() == 2 and Submission.objects.count() == 1
    assert published == []


def test_a_broker_that_refuses_makes_no_difference_to_a_submit(client, broker):
    broker.refusing = True
    response = client.post(reverse("summaries:form"), ANSWERS)
    assert response.status_code == 302
    submission = Submission.objects.get()
    # No message is out for it until a worker's relay publishes it.
    assert submission.enqueued_at is None
    assert broker.tried == []


def test_the_status_page_is_found_by_token_only(client):
    submission = make_submission()
    assert client.get(reverse("summaries:status", args=[submission.token])).status_code == 200
    assert client.get(f"/s/{submission.pk}/").status_code == 404
    assert client.get("/s/not-a-token/status.json").status_code == 404


def test_the_status_json_reports_the_step(client):
    submission = make_submission(status=SubmissionStatus.RENDERED)
    payload = client.get(reverse("summaries:status_json", args=[submission.token])).json()
    assert payload["status"] == "sending"
    assert payload["pdf_url"] is None


def test_the_pdf_downloads_once_rendered(client):
    submission = make_submission()
    assert client.get(reverse("summaries:pdf", args=[submission.token])).status_code == 404
    submission.pdf.save("summaries/test.pdf", ContentFile(b"%PDF-1.7 test"))
    response = client.get(reverse("summaries:pdf", args=[submission.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.7 test"
    assert re.search(r'filename="summary.pdf"', response["Content-Disposition"])


TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# Emails and the PDF are not web pages: no Content-Security-Policy applies to them.
NOT_WEB_PAGES = {"email_body.html", "summary_pdf.html"}
INLINE_CODE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)


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


def test_a_mistake_puts_the_focus_on_the_error_summary_which_links_to_each_field(client):
    response = client.post("/", {**ANSWERS, "email": "not-an-address", "hobby": ""})

    assert response.status_code == 400
    html = response.content.decode()
    email_input = re.search(r'<input[^>]*name="email"[^>]*>', html).group(0)
    hobby_input = re.search(r'<input[^>]*name="hobby"[^>]*>', html).group(0)
    summary = re.search(r'<div class="error-summary"[^>]*>', html).group(0)
    assert 'tabindex="-1"' in summary and "autofocus" in summary
    assert 'aria-labelledby="error-summary-title"' in summary and 'id="error-summary-title"' in html
    assert html.count("autofocus") == 1
    assert '<a href="#id_email">' in html
    assert 'aria-invalid="true"' in email_input and 'aria-invalid="true"' in hobby_input
    assert 'aria-describedby="id_email_error"' in email_input
    assert re.search(r'<ul class="errorlist" id="id_email_error"><li>Enter a valid email address.</li>', html)
    assert "Please correct these 2 answers" in html
    assert '<a href="#id_hobby">Favorite Hobby: This field is required.</a>' in html
    assert Submission.objects.count() == 0


def test_an_unfilled_form_has_no_autofocus_and_labels_every_field(client):
    html = client.get("/").content.decode()

    assert "autofocus" not in html
    for field in ANSWERS:
        assert f'<label for="id_{field}">' in html
    assert 'autocomplete="email"' in html


def test_the_status_page_loads_its_updater_and_shows_the_current_step(client):
    submission = make_submission(status=SubmissionStatus.RENDERING)

    html = client.get(reverse("summaries:status", args=[submission.token])).content.decode()

    assert '<script src="/static/summaries/status.js" defer></script>' in html
    assert f'data-status-url="/s/{submission.token}/status.json"' in html
    assert re.search(r'<li data-step="rendering" class="step step-current" aria-current="step">', html)
    assert 'role="status"' in html
    assert '<a class="button" id="download" href="" download="summary.pdf" hidden>' in html
    # Without JavaScript, the page reloads itself until the work is done.
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in html


def test_a_finished_status_page_stops_updating(client):
    submission = make_submission(status=SubmissionStatus.FAILED, last_error="550 No such user")

    html = client.get(reverse("summaries:status", args=[submission.token])).content.decode()

    assert "data-done" in html
    assert "http-equiv" not in html
    assert '<p id="status-reason" class="status-reason">550 No such user</p>' in html


def test_the_status_json_is_what_the_page_shows(client):
    submission = make_submission(status=SubmissionStatus.RECEIVED)

    response = client.get(reverse("summaries:status_json", args=[submission.token]))

    assert response["Cache-Control"] == "no-store"
    payload = response.json()
    assert payload["status"] == "received"
    first_step = {"name": "received", "label": "Received", "state": "current", "state_text": "in progress"}
    assert payload["progress"][0] == first_step
    assert payload["message"] in client.get(reverse("summaries:status", args=[submission.token])).content.decode()
