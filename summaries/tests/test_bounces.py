"""Bounces: VERP addresses, reading RFC 3464 reports, and what a report does to its submission."""

import pytest

from summaries.bounce_receiver import FloodGate
from summaries.models import Submission, SubmissionStatus, Suppression, SuppressionReason
from summaries.services.bounces import record_bounce
from summaries.services.delivery_reports import DeliveryReport, MalformedReport, NotABounce, read_report
from summaries.services.emailing import build_summary_email
from summaries.services.suppression import is_suppressed
from summaries.services.verp import envelope_sender, submission_of, verp_address
from summaries.tests.bounce_messages import out_of_office_reply, postfix_bounce, report_without_status_part
from summaries.tests.factories import make_submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def bounce_domain(settings):
    settings.BOUNCE_DOMAIN = "bounces.example.com"
    return settings


def test_a_verp_address_names_its_submission(bounce_domain):
    address = verp_address(1234)
    assert address.startswith("bounces+1234-") and address.endswith("@bounces.example.com")
    assert submission_of(address) == 1234
    assert submission_of(f"<{address.upper()}>") == 1234


def test_a_forged_or_foreign_verp_address_names_nothing(bounce_domain):
    address = verp_address(1234)
    tag = address.partition("-")[2].partition("@")[0]
    assert submission_of(address.replace("+1234-", "+1235-")) is None  # another submission, same tag
    assert submission_of(address.replace(tag, "0" * 16)) is None
    assert submission_of("bounces+1234@bounces.example.com") is None  # no hash
    assert submission_of(address.replace("bounces.example.com", "elsewhere.example")) is None
    assert submission_of("postmaster@bounces.example.com") is None


def test_a_bounce_address_made_before_a_key_change_still_counts(bounce_domain):
    bounce_domain.SUPPRESSION_KEY = "old"
    address = verp_address(7)
    bounce_domain.SUPPRESSION_KEY = "new"
    assert submission_of(address) is None
    bounce_domain.SUPPRESSION_KEY_FALLBACKS = ["old"]
    assert submission_of(address) == 7


def test_with_a_bounce_domain_the_envelope_sender_is_verp_and_the_from_header_is_unchanged(bounce_domain):
    bounce_domain.DEFAULT_FROM_EMAIL = "About Me <summaries@example.com>"
    submission = make_submission()
    email = build_summary_email(submission, pdf=b"%PDF")
    assert email.from_email == verp_address(submission.pk)
    assert email.message()["From"] == "About Me <summaries@example.com>"


def test_without_a_bounce_domain_the_envelope_sender_is_the_from_address(settings):
    settings.BOUNCE_DOMAIN = ""
    assert envelope_sender(5) == settings.DEFAULT_FROM_EMAIL


def test_a_postfix_bounce_is_read():
    report = read_report(postfix_bounce(to="bounces+1-x@b.example", recipient="nobody@example.net"))
    assert (report.action, report.status, report.permanent) == ("failed", "5.1.1", True)
    assert report.diagnostic.startswith("smtp; 550 5.1.1 <nobody@example.net>: Recipient address rejected")


def test_a_delay_warning_is_read_as_temporary():
    raw = postfix_bounce(
        to="b@b.example", recipient="x@example.net", action="delayed", status="4.4.1", diagnostic="X-Postfix; timeout"
    )
    report = read_report(raw)
    assert (report.action, report.status, report.permanent) == ("delayed", "4.4.1", False)


@pytest.mark.parametrize(
    "raw",
    [
        out_of_office_reply(to="b@b.example"),
        postfix_bounce(to="b@b.example", recipient="x@example.net", action="delivered", status="2.0.0"),
        b"",
        b"\x00\xff not an email at all",
    ],
)
def test_a_message_that_reports_no_failure_is_not_a_bounce(raw):
    with pytest.raises(NotABounce):
        read_report(raw)


@pytest.mark.parametrize(
    "raw",
    [
        report_without_status_part(to="b@b.example"),
        postfix_bounce(to="b@b.example", recipient="x@example.net", status="five-one-one"),
    ],
)
def test_a_report_that_cannot_be_read_is_malformed(raw):
    with pytest.raises(MalformedReport):
        read_report(raw)


HARD = DeliveryReport(action="failed", status="5.1.1", diagnostic="smtp; 550 5.1.1 user unknown")
SOFT = DeliveryReport(action="failed", status="4.2.2", diagnostic="smtp; 452 4.2.2 mailbox full")
DELAY = DeliveryReport(action="delayed", status="4.4.1", diagnostic="X-Postfix; connection timed out")


def test_a_permanent_failure_marks_the_row_bounced_and_suppresses_the_address():
    submission = make_submission(status=SubmissionStatus.SENT)
    assert record_bounce(submission.pk, HARD) == "permanent"
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.BOUNCED
    assert submission.last_error == "5.1.1 smtp; 550 5.1.1 user unknown"
    assert submission.events.last().status == SubmissionStatus.BOUNCED
    assert is_suppressed(submission.email)
    assert Suppression.objects.get().reason == SuppressionReason.HARD_BOUNCE


def test_a_temporary_failure_marks_the_row_but_keeps_the_address():
    submission = make_submission(status=SubmissionStatus.SENT)
    assert record_bounce(submission.pk, SOFT) == "temporary"
    assert Submission.objects.get().status == SubmissionStatus.BOUNCED
    assert not is_suppressed(submission.email)


def test_a_delay_is_only_a_line_in_the_history():
    submission = make_submission(status=SubmissionStatus.SENT)
    assert record_bounce(submission.pk, DELAY) == "delayed"
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SENT and submission.last_error == ""
    assert submission.events.last().detail.startswith("delivery delayed: 4.4.1")
    assert not Suppression.objects.exists()


def test_a_bounced_confirmation_email_ends_the_row_too():
    submission = make_submission(status=SubmissionStatus.UNCONFIRMED, confirmation_token="c")
    record_bounce(submission.pk, HARD)
    assert Submission.objects.get().status == SubmissionStatus.BOUNCED


def test_a_second_report_of_the_same_bounce_changes_nothing():
    submission = make_submission(status=SubmissionStatus.SENT)
    record_bounce(submission.pk, HARD)
    events = submission.events.count()
    record_bounce(submission.pk, HARD)
    assert submission.events.count() == events
    assert Suppression.objects.count() == 1


def test_a_report_for_a_row_still_at_work_does_not_move_it():
    submission = make_submission(status=SubmissionStatus.RENDERING)
    record_bounce(submission.pk, SOFT)
    assert Submission.objects.get().status == SubmissionStatus.RENDERING


def test_a_report_for_a_deleted_submission_is_counted_and_ignored():
    assert record_bounce(987654, HARD) == "unknown_submission"
    assert not Suppression.objects.exists()


def test_the_flood_gate_lets_through_so_many_a_minute():
    now = [1000.0]
    gate = FloodGate(3, clock=lambda: now[0])
    assert [gate.allow() for _ in range(4)] == [True, True, True, False]
    now[0] += 60
    assert gate.allow() is True
    assert FloodGate(0).allow() is True  # 0: no limit
