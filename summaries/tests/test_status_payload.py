"""What the status page and its script show for each state of a submission."""

from django.core.files.base import ContentFile

from summaries.models import Submission, SubmissionStatus
from summaries.services.status import status_payload


def _submission(status, *, pdf=False, last_error="") -> Submission:
    submission = Submission(token="t0k3n", status=status, last_error=last_error)
    if pdf:
        submission.pdf.name = "summaries/1.pdf"
    return submission


def _states(payload) -> list[tuple[str, str]]:
    return [(step["name"], step["state"]) for step in payload["progress"]]


def test_a_new_submission_is_at_the_first_step():
    payload = status_payload(_submission(SubmissionStatus.RECEIVED))

    assert payload["status"] == "received"
    assert _states(payload) == [("received", "current"), ("rendering", "todo"), ("sending", "todo"), ("sent", "todo")]
    assert payload["done"] is False
    assert payload["pdf_url"] is None


def test_a_rendered_submission_waits_at_sending_and_offers_its_pdf():
    payload = status_payload(_submission(SubmissionStatus.RENDERED, pdf=True))

    assert _states(payload) == [("received", "done"), ("rendering", "done"), ("sending", "current"), ("sent", "todo")]
    assert payload["pdf_url"] == "/s/t0k3n/summary.pdf"
    assert "download" in payload["message"]


def test_a_sent_submission_has_every_step_done():
    payload = status_payload(_submission(SubmissionStatus.SENT, pdf=True))

    assert {state for _, state in _states(payload)} == {"done"}
    assert payload["done"] is True


def test_a_retry_is_explained_without_the_technical_reason():
    submission = _submission(SubmissionStatus.RENDERED, pdf=True, last_error="The mail server answered 451")
    payload = status_payload(submission)

    assert payload["retrying"] is True
    assert "try again" in payload["message"]
    assert payload["reason"] == ""


def test_a_failed_send_marks_the_emailing_step_and_still_offers_the_pdf():
    payload = status_payload(_submission(SubmissionStatus.FAILED, pdf=True, last_error="550 No such user"))

    assert _states(payload) == [("received", "done"), ("rendering", "done"), ("sending", "failed"), ("sent", "todo")]
    assert payload["reason"] == "550 No such user"
    assert payload["pdf_url"] == "/s/t0k3n/summary.pdf"
    assert "download it" in payload["message"]
    assert payload["done"] is True


def test_a_failed_render_marks_the_pdf_step():
    payload = status_payload(_submission(SubmissionStatus.FAILED, last_error="Rendering failed: ValueError"))

    assert _states(payload)[:2] == [("received", "done"), ("rendering", "failed")]
    assert payload["pdf_url"] is None
    assert "could not create" in payload["message"]


def test_every_step_says_its_state_in_words_for_screen_readers():
    payload = status_payload(_submission(SubmissionStatus.RENDERING))

    assert [step["state_text"] for step in payload["progress"]] == ["done", "in progress", "to come", "to come"]


def test_the_stored_pdf_is_what_makes_the_download_appear(db):
    submission = Submission.objects.create(
        email="a@example.com", name="A", about="x", hobby="y", color="Red", status=SubmissionStatus.SENDING
    )
    assert status_payload(submission)["pdf_url"] is None
    submission.pdf.save("summaries/x.pdf", ContentFile(b"%PDF-1.7"), save=True)
    assert status_payload(submission)["pdf_url"] == f"/s/{submission.token}/summary.pdf"
