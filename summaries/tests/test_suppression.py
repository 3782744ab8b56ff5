"""The suppression list: keyed hashes of addresses, checked at intake and before every send."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from summaries.models import AdminAction, AdminAuditRecord, Submission, SubmissionStatus, Suppression, SuppressionReason
from summaries.services.pipeline import process_submission
from summaries.services.relay import unpublished_submissions
from summaries.services.retention import delete_expired_submissions
from summaries.services.status import status_payload
from summaries.services.suppression import (
    address_hash,
    is_suppressed,
    lift,
    normalise_address,
    suppress_address,
    suppress_hash,
)
from summaries.tests.factories import ANSWERS, make_submission
from summaries.tests.staff_login import log_in_with_two_factors

pytestmark = pytest.mark.django_db


def test_spellings_of_one_mailbox_share_one_hash():
    assert normalise_address("  Ada@Example.COM ") == "ada@example.com"
    assert normalise_address("ada@bücher.example") == "ada@xn--bcher-kva.example"
    assert address_hash("ADA@example.com") == address_hash("ada@EXAMPLE.com ")
    assert address_hash("ada@example.com") != address_hash("bob@example.com")


def test_the_table_keeps_no_trace_of_the_address(settings):
    suppress_address("ada.lovelace@example.com", reason=SuppressionReason.UNSUBSCRIBED)
    row = Suppression.objects.values().get()
    assert "ada" not in repr(row).lower() and "example" not in repr(row).lower()
    assert len(row["address_hash"]) == 64


def test_the_hash_depends_on_the_key_and_an_old_key_still_counts_as_a_fallback(settings):
    settings.SUPPRESSION_KEY = "old key"
    suppress_address("ada@example.com")
    settings.SUPPRESSION_KEY = "new key"
    assert not is_suppressed("ada@example.com")
    settings.SUPPRESSION_KEY_FALLBACKS = ["old key"]
    assert is_suppressed("ada@example.com")
    # Already suppressed under the old key: no second entry under the new one.
    assert suppress_address("ada@example.com") is False
    assert Suppression.objects.count() == 1


def test_suppressing_twice_keeps_the_first_reason_and_time():
    assert suppress_address("ada@example.com", reason=SuppressionReason.UNSUBSCRIBED) is True
    first = Suppression.objects.get()
    assert suppress_hash(address_hash("ada@example.com"), reason=SuppressionReason.HARD_BOUNCE) is False
    again = Suppression.objects.get()
    assert (again.reason, again.suppressed_at) == (SuppressionReason.UNSUBSCRIBED, first.suppressed_at)


def test_a_lifted_address_may_be_emailed_and_suppressed_again():
    suppress_address("ada@example.com", reason=SuppressionReason.UNSUBSCRIBED)
    assert lift(Suppression.objects.get(), by="operator") is True
    assert not is_suppressed("ada@example.com")
    assert suppress_address("ada@example.com", reason=SuppressionReason.HARD_BOUNCE) is True
    row = Suppression.objects.get()
    assert (row.reason, row.lifted_at, row.lifted_by) == (SuppressionReason.HARD_BOUNCE, None, "")


def test_a_submission_to_a_suppressed_address_gets_the_same_answer_and_ends_suppressed(client, published):
    normal = client.post(reverse("summaries:form"), ANSWERS)
    suppress_address(ANSWERS["email"].upper())
    quiet = client.post(reverse("summaries:form"), ANSWERS)

    # The same redirect to a status page: nothing tells the two apart at the form.
    assert (normal.status_code, quiet.status_code) == (302, 302)
    assert normal["Location"].startswith("/s/") and quiet["Location"].startswith("/s/")
    first, second = Submission.objects.order_by("pk")
    assert first.status == SubmissionStatus.RECEIVED
    assert second.status == SubmissionStatus.SUPPRESSED
    assert list(second.events.values_list("status", flat=True)) == [SubmissionStatus.SUPPRESSED]
    # Nothing for a worker to do: the relay never publishes it.
    assert list(unpublished_submissions()) == [first]


def test_an_address_suppressed_after_intake_is_not_emailed_at_send_time(monkeypatch):
    monkeypatch.setattr("summaries.services.pipeline.render_summary_pdf", lambda submission: b"%PDF-1.7")
    submission = make_submission()
    suppress_address(submission.email, reason=SuppressionReason.UNSUBSCRIBED)

    process_submission(submission.pk)

    assert mail.outbox == []
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUPPRESSED
    assert submission.events.last().status == SubmissionStatus.SUPPRESSED


def test_a_confirmation_email_is_not_sent_to_a_suppressed_address(settings):
    submission = make_submission(status=SubmissionStatus.CONFIRM_QUEUED, confirmation_token="c0nf1rm")
    suppress_address(submission.email)
    process_submission(submission.pk)
    assert mail.outbox == []
    assert Submission.objects.get().status == SubmissionStatus.SUPPRESSED


def test_a_rendered_submission_whose_address_is_suppressed_keeps_its_pdf_and_sends_nothing():
    submission = make_submission(status=SubmissionStatus.RENDERED)
    submission.pdf.save(f"summaries/{submission.pk}.pdf", ContentFile(b"%PDF-1.7"), save=True)
    suppress_address(submission.email)
    process_submission(submission.pk)
    assert mail.outbox == []
    assert Submission.objects.get().status == SubmissionStatus.SUPPRESSED


def test_the_retention_purge_leaves_the_suppression_list_intact(settings):
    settings.RETENTION_DAYS = 30
    submission = make_submission()
    Submission.objects.filter(pk=submission.pk).update(created_at=timezone.now() - timedelta(days=31))
    suppress_address(submission.email, reason=SuppressionReason.UNSUBSCRIBED)
    Suppression.objects.update(suppressed_at=timezone.now() - timedelta(days=400))

    assert delete_expired_submissions() == 1

    assert not Submission.objects.exists()
    assert is_suppressed(ANSWERS["email"])


def test_the_status_page_of_a_suppressed_submission_is_a_neutral_end():
    payload = status_payload(Submission(token="t", status=SubmissionStatus.SUPPRESSED))
    assert payload["status"] == "closed" and payload["done"] is True
    assert payload["reason"] == "" and payload["pdf_url"] is None
    assert "suppress" not in str(payload["message"]).lower()
    assert [step["state"] for step in payload["progress"]] == ["done", "todo", "todo", "todo"]


def test_the_status_page_of_a_bounced_submission_shows_the_servers_diagnostic():
    diagnostic = "smtp; 550 5.1.1 user unknown"
    payload = status_payload(Submission(token="t", status=SubmissionStatus.BOUNCED, last_error=diagnostic))
    assert payload["status"] == "bounced" and payload["done"] is True
    assert payload["reason"] == diagnostic
    assert [step["state"] for step in payload["progress"]] == ["done", "done", "done", "failed"]


@pytest.fixture
def operator(client):
    log_in_with_two_factors(client, User.objects.create(username="operator", is_staff=True, is_superuser=True))
    return client


def test_staff_add_an_address_which_is_kept_only_as_its_hash(operator):
    response = operator.post("/admin/summaries/suppression/add/", {"address": "Ada@Example.com", "detail": "asked"})
    assert response.status_code == 302, response.text
    row = Suppression.objects.get()
    assert (row.address_hash, row.reason) == (address_hash("ada@example.com"), SuppressionReason.STAFF)
    assert is_suppressed("ada@example.com")


def test_staff_lift_a_suppression_and_the_history_says_who(operator):
    suppress_address("ada@example.com", reason=SuppressionReason.UNSUBSCRIBED)
    row = Suppression.objects.get()
    listing = operator.get("/admin/summaries/suppression/")
    assert listing.status_code == 200 and "Unsubscribed by the recipient" in listing.text

    response = operator.post("/admin/summaries/suppression/", {"action": "lift_selected", "_selected_action": [row.pk]})

    assert response.status_code == 302
    row.refresh_from_db()
    assert row.lifted_at is not None and row.lifted_by == "operator"
    assert not is_suppressed("ada@example.com")
    [entry] = LogEntry.objects.filter(object_id=str(row.pk))
    assert "Lifted" in entry.get_change_message()
    history = operator.get(f"/admin/summaries/suppression/{row.pk}/history/")
    assert "Lifted the suppression." in history.text
    [audit] = AdminAuditRecord.objects.all()
    lifted = ("operator", AdminAction.SUPPRESSION_LIFTED, None)
    assert (audit.actor_username, audit.action, audit.submission_id) == lifted


def test_a_suppression_cannot_be_deleted_from_the_admin(operator):
    suppress_address("ada@example.com")
    row = Suppression.objects.get()
    assert operator.post(f"/admin/summaries/suppression/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Suppression.objects.exists()
