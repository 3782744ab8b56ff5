import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from summaries.models import Submission, SubmissionStatus
from summaries.tests.factories import ANSWERS, make_submission

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def published(monkeypatch):
    """Record what would be handed to the broker (the broker itself is tested end to end)."""
    sent = []
    monkeypatch.setattr("summaries.tasks.process_submission.apply_async", lambda args, **kw: sent.append(args))
    return sent


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
    # Only the id travels through the broker, and only after the row was committed.
    assert published == [(submission.pk,)]


def test_the_status_page_shows_the_tutorials_flash_message(client, published):
    response = client.post(reverse("summaries:form"), ANSWERS, follow=True)
    assert "Your summary is being generated and will be emailed shortly." in response.text


def test_an_invalid_post_shows_the_error_keeps_the_answers_and_saves_nothing(client, published):
    response = client.post(reverse("summaries:form"), {**ANSWERS, "email": "nope"})
    assert response.status_code == 400
    assert "Enter a valid email address." in response.text
    assert 'value="Ada Lovelace"' in response.text
    assert Submission.objects.count() == 0
    assert published == []


def test_a_broker_that_refuses_still_gives_the_success_redirect(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr("summaries.tasks.process_submission.apply_async", refuse)
    response = client.post(reverse("summaries:form"), ANSWERS)
    assert response.status_code == 302
    submission = Submission.objects.get()
    # No message is out for it, so the next sweep publishes it.
    assert submission.enqueued_at is None


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
