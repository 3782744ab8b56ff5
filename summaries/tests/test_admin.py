"""The admin: find submissions, read their history, open their PDF, retry them, see the pipeline at a glance."""

import re
from datetime import timedelta

import pytest
from django.contrib.admin import site
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import connection
from django.forms import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from summaries.admin import SubmissionAdmin
from summaries.models import Submission, SubmissionStatus, WorkerHeartbeat
from summaries.services.claims import record_event
from summaries.services.heartbeats import record_heartbeat
from summaries.tests.factories import make_submission
from summaries.tests.staff_login import log_in_with_two_factors

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/summaries/submission/"
OVERVIEW = "/admin/summaries/submission/overview/"


@pytest.fixture
def operator(client):
    # No password: hashing one would cost more than the test.
    log_in_with_two_factors(client, User.objects.create(username="operator", is_staff=True, is_superuser=True))
    return client


def test_submissions_are_found_by_email_and_filtered_by_status(operator):
    make_submission(email="ada@example.com", status=SubmissionStatus.SENT)
    make_submission(email="grace@example.com", status=SubmissionStatus.FAILED)

    found = operator.get(CHANGELIST, {"q": " Grace@Example.COM "}).content.decode()
    failed = operator.get(CHANGELIST, {"status__exact": "failed"}).content.decode()

    assert "grace@example.com" in found and "ada@example.com" not in found
    assert "grace@example.com" in failed and "ada@example.com" not in failed


def test_the_search_matches_a_whole_address_only(operator):
    # A part of an address would need a scan of every row: the index holds whole addresses.
    make_submission(email="grace@example.com")

    page = operator.get(CHANGELIST, {"q": "grace@"}).content.decode()

    assert "grace@example.com" not in page
    assert "0 submissions" in page


def test_the_list_counts_no_further_than_its_limit(operator, monkeypatch):
    monkeypatch.setattr("summaries.admin_paginator.COUNT_LIMIT", 2)
    for index in range(3):
        make_submission(email=f"person{index}@example.com")

    with CaptureQueriesContext(connection) as queries:
        page = operator.get(CHANGELIST).content.decode()

    assert "More than 2 submissions" in page
    counts = [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]
    assert counts and all("LIMIT 3" in sql for sql in counts), counts


def test_the_list_gives_the_exact_count_below_the_limit(operator):
    for index in range(3):
        make_submission(email=f"person{index}@example.com")

    page = operator.get(CHANGELIST).content.decode()

    assert re.search(r'<span id="result-count">3 submissions</span>', page)


def test_submissions_are_filtered_by_date(operator):
    old = make_submission(email="old@example.com")
    Submission.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    make_submission(email="new@example.com")

    page = operator.get(CHANGELIST, {"created_at__gte": str(timezone.now() - timedelta(days=7))})

    assert "new@example.com" in page.content.decode() and "old@example.com" not in page.content.decode()


def test_a_submission_shows_its_history_and_a_link_to_its_pdf(operator):
    submission = make_submission(status=SubmissionStatus.RENDERED)
    submission.pdf.save(f"summaries/{submission.pk}.pdf", ContentFile(b"%PDF-1.7"), save=True)
    record_event(submission.pk, status=SubmissionStatus.RENDERING, detail="attempt 1")
    record_event(
        submission.pk, status=SubmissionStatus.RECEIVED, detail="Rendering failed: ValueError Retrying at 12:00:00 UTC."
    )

    page = operator.get(f"{CHANGELIST}{submission.pk}/change/").content.decode()

    assert f'<a href="/s/{submission.token}/summary.pdf">summary.pdf</a>' in page
    assert "attempt 1" in page and "Rendering failed: ValueError" in page
    assert re.search(r"<p>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}</p>", page)


def test_saving_an_edited_answer_does_not_write_back_a_stale_status(rf):
    submission = make_submission(status=SubmissionStatus.FAILED)
    model_admin = SubmissionAdmin(Submission, site)
    form_class = model_admin.get_form(rf.get("/"), submission, change=True)
    form = form_class({**model_to_dict(submission), "email": "fixed@example.com"}, instance=submission)
    assert form.is_valid(), form.errors
    # A worker moves the row on while the operator's change is being saved.
    Submission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.SENT)

    model_admin.save_model(rf.post("/"), form.save(commit=False), form, change=True)

    submission.refresh_from_db()
    assert (submission.email, submission.status) == ("fixed@example.com", SubmissionStatus.SENT)


def test_the_retry_action_reopens_failed_submissions(operator):
    failed = make_submission(status=SubmissionStatus.FAILED, attempts=8)

    operator.post(CHANGELIST, {"action": "retry_failed", "_selected_action": [failed.pk]})

    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (SubmissionStatus.RECEIVED, 0)


def test_the_overview_counts_by_status_and_names_the_oldest_waiting_job(operator):
    for status in ("sent", "sent", "failed", "received", "rendered"):
        make_submission(status=status)
    oldest = make_submission(status=SubmissionStatus.RECEIVED)
    Submission.objects.filter(pk=oldest.pk).update(created_at=timezone.now() - timedelta(minutes=7))

    page = operator.get(OVERVIEW).content.decode()

    assert '<td id="count-sent">2</td>' in page
    assert '<td id="count-received">2</td>' in page
    assert '<td id="count-sending">0</td>' in page
    assert '<td id="count-total">6</td>' in page
    assert f"Submission {oldest.pk}</a>" in page
    assert "7\xa0minutes ago" in page


def test_the_overview_says_which_workers_are_alive(operator, settings):
    settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS = 30
    record_heartbeat("alive@host", pid=11, started_at=timezone.now())
    record_heartbeat("silent@host", pid=12, started_at=timezone.now())
    WorkerHeartbeat.objects.filter(hostname="silent@host").update(beat_at=timezone.now() - timedelta(minutes=5))

    page = operator.get(OVERVIEW).content.decode()

    assert "<td>alive@host</td>\n            <td>Yes</td>" in page
    assert "<td>silent@host</td>\n            <td><strong>No</strong></td>" in page


def test_the_overview_warns_when_no_worker_has_reported(operator):
    page = operator.get(OVERVIEW).content.decode()

    assert "No worker has reported in" in page
    assert "Nothing is waiting" in page


def test_the_overview_is_for_staff_only(client):
    response = client.get(OVERVIEW)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_submission_list_links_to_the_overview(operator):
    assert f'href="{OVERVIEW}"' in operator.get(CHANGELIST).content.decode()


def test_the_overview_counts_finished_submissions_of_the_last_hour_and_unfinished_ones_of_any_age(operator):
    long_ago = timezone.now() - timedelta(hours=2)
    for status in ("sent", "failed", "received", "sending"):
        old = make_submission(status=status)
        Submission.objects.filter(pk=old.pk).update(created_at=long_ago)
    make_submission(status="sent")

    page = operator.get(OVERVIEW).content.decode()

    assert '<td id="count-sent">1</td>' in page
    assert '<td id="count-failed">0</td>' in page
    assert '<td id="count-received">1</td>' in page
    assert '<td id="count-sending">1</td>' in page
    assert "last hour" in page
