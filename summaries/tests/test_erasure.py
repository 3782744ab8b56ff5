"""A person erases their submission: nothing of them is left, and no worker sends for it, at any step."""

from contextlib import contextmanager

import pytest
from django.core import mail
from django.test import Client

from summaries.models import StoredFile, Submission, SubmissionEvent, SubmissionStatus
from summaries.services import pipeline
from summaries.services.erasure import erase_submission
from summaries.tasks import process_submission
from summaries.tests.answers import ANSWERS
from summaries.tests.factories import make_submission

pytestmark = pytest.mark.django_db

PERSONAL_FIELDS = ["email", "name", "about", "hobby", "color", "saying", "dream_job", "last_error", "pdf"]


@pytest.fixture(autouse=True)
def quick_render(monkeypatch):
    monkeypatch.setattr(pipeline, "render_summary_pdf", lambda submission: b"%PDF-1.7 summary")


def assert_nothing_of_the_person_is_left(submission_id: int) -> None:
    row = Submission.objects.get(pk=submission_id)
    assert row.status == SubmissionStatus.ERASED
    assert {field: getattr(row, field) for field in PERSONAL_FIELDS} == dict.fromkeys(PERSONAL_FIELDS, "")
    assert row.confirmation_token is None and row.lease_owner == ""
    assert not StoredFile.objects.exists()
    details = list(SubmissionEvent.objects.filter(submission_id=submission_id).values_list("status", "detail"))
    assert all(detail == "" for status, detail in details if status != SubmissionStatus.ERASED)
    flattened = repr(list(Submission.objects.filter(pk=submission_id).values())) + repr(details)
    for answer in ANSWERS.values():
        assert str(answer) not in flattened or len(str(answer)) < 4


def test_a_received_submission_is_erased_and_never_processed():
    submission = make_submission()

    assert erase_submission(submission.pk)
    process_submission(submission.pk)

    assert_nothing_of_the_person_is_left(submission.pk)
    assert mail.outbox == []


def test_a_sent_submission_loses_its_pdf_and_history_details():
    submission = make_submission()
    process_submission(submission.pk)
    SubmissionEvent.objects.create(submission=submission, status="sent", detail="250 ok for ada@example.com")

    erase_submission(submission.pk)

    assert_nothing_of_the_person_is_left(submission.pk)
    assert len(mail.outbox) == 1


def test_a_failed_submission_waiting_for_a_retry_is_erased():
    submission = make_submission(status=SubmissionStatus.FAILED, last_error="550 no such user ada@example.com")

    erase_submission(submission.pk)

    assert_nothing_of_the_person_is_left(submission.pk)


def test_a_second_erase_does_nothing():
    submission = make_submission()
    assert erase_submission(submission.pk)
    assert not erase_submission(submission.pk)
    assert not erase_submission(999_999)
    assert SubmissionEvent.objects.filter(status=SubmissionStatus.ERASED).count() == 1


def test_erased_while_rendering_the_pdf_is_not_kept_and_nothing_is_sent(monkeypatch):
    submission = make_submission()

    def render_while_the_person_erases(claimed):
        erase_submission(claimed.pk)
        return b"%PDF-1.7 rendered too late"

    monkeypatch.setattr(pipeline, "render_summary_pdf", render_while_the_person_erases)
    process_submission(submission.pk)

    assert_nothing_of_the_person_is_left(submission.pk)
    assert mail.outbox == []


def test_erased_after_the_pdf_is_kept_but_before_the_send_nothing_is_sent(monkeypatch):
    submission = make_submission()
    real_connection = pipeline.mail_server_connection

    @contextmanager
    def connection_while_the_person_erases():
        erase_submission(submission.pk)
        with real_connection() as connection:
            yield connection

    monkeypatch.setattr(pipeline, "mail_server_connection", connection_while_the_person_erases)
    process_submission(submission.pk)

    assert_nothing_of_the_person_is_left(submission.pk)
    assert mail.outbox == []


def test_erased_during_the_smtp_conversation_the_send_finishes_and_leaves_nothing(monkeypatch):
    submission = make_submission()
    real_send = pipeline.send_summary_email

    def send_while_the_person_erases(claimed, **kwargs):
        erase_submission(claimed.pk)
        real_send(claimed, **kwargs)

    monkeypatch.setattr(pipeline, "send_summary_email", send_while_the_person_erases)
    process_submission(submission.pk)

    assert_nothing_of_the_person_is_left(submission.pk)
    assert len(mail.outbox) == 1
    assert not Submission.objects.filter(pk=submission.pk, sent_at__isnull=False).exists()


def test_erased_while_waiting_for_confirmation_the_link_stops_working(client):
    submission = make_submission(status=SubmissionStatus.UNCONFIRMED, confirmation_token="link-token")

    erase_submission(submission.pk)

    assert client.get("/confirm/link-token/").status_code == 404
    assert_nothing_of_the_person_is_left(submission.pk)


# --- The person's pages ---------------------------------------------------------------------


def test_the_status_page_offers_the_deletion_and_the_next_page_asks_first(client):
    submission = make_submission()

    status = client.get(f"/s/{submission.token}/")
    ask = client.get(f"/s/{submission.token}/delete/")

    assert f'href="/s/{submission.token}/delete/"' in status.text
    assert ask.status_code == 200 and 'name="confirm" value="yes"' in ask.text and "csrfmiddlewaretoken" in ask.text
    assert Submission.objects.get().status == SubmissionStatus.RECEIVED


def test_confirming_erases_and_the_status_page_says_so(client):
    submission = make_submission()

    response = client.post(f"/s/{submission.token}/delete/", {"confirm": "yes"})
    page = client.get(response["Location"])
    payload = client.get(f"/s/{submission.token}/status.json").json()

    assert response.status_code == 302 and response["Location"] == f"/s/{submission.token}/"
    assert "have been deleted" in page.text and "/delete/" not in page.text and ANSWERS["name"] not in page.text
    assert payload["status"] == "erased" and payload["done"] and payload["pdf_url"] is None
    assert client.get(f"/s/{submission.token}/summary.pdf").status_code == 404
    assert_nothing_of_the_person_is_left(submission.pk)


def test_a_post_without_the_confirmation_erases_nothing(client):
    submission = make_submission()

    assert client.post(f"/s/{submission.token}/delete/").status_code == 400
    assert Submission.objects.get().status == SubmissionStatus.RECEIVED


def test_a_post_without_the_csrf_token_erases_nothing():
    submission = make_submission()

    response = Client(enforce_csrf_checks=True).post(f"/s/{submission.token}/delete/", {"confirm": "yes"})

    assert response.status_code == 403
    assert Submission.objects.get().status == SubmissionStatus.RECEIVED


def test_an_unknown_token_is_a_404(client):
    assert client.post("/s/no-such-token/delete/", {"confirm": "yes"}).status_code == 404
