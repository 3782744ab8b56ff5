"""A person erases their submission against the real stack, at each step a worker may be at.

Each test reads the row and the stored PDFs straight from the stack's database, and proves
that no worker sent anything afterwards by waiting until a later submission, picked up by the
same worker, has been sent.
"""

import re
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
import requests

from tests.integration.stack import wait_until

pytestmark = pytest.mark.integration

ANSWER_COLUMNS = "email, name, about, hobby, color, saying, dream_job, last_error, pdf"


def erase_over_http(stack, token: str) -> None:
    """What the person does: open the deletion page from the status page, then press the button."""
    session = requests.Session()
    status = session.get(f"{stack.base_url}/s/{token}/", timeout=10)
    assert f"/s/{token}/delete/" in status.text
    ask = session.get(f"{stack.base_url}/s/{token}/delete/", timeout=10)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', ask.text).group(1)
    done = session.post(
        f"{stack.base_url}/s/{token}/delete/",
        data={"csrfmiddlewaretoken": csrf, "confirm": "yes"},
        allow_redirects=False,
        timeout=10,
    )
    assert done.status_code == 302


def row(stack, token: str) -> dict:
    with sqlite3.connect(stack.data_dir / "db.sqlite3") as database:
        database.row_factory = sqlite3.Row
        found = database.execute(
            f"SELECT id, status, lease_owner, confirmation_token, next_attempt_at, {ANSWER_COLUMNS}"
            " FROM summaries_submission"
            " WHERE token = ?",
            (token,),
        ).fetchone()
        stored = database.execute(
            "SELECT count(*) FROM summaries_storedfile WHERE name = ?", (f"summaries/{found['id']}.pdf",)
        )
        details = database.execute(
            "SELECT detail FROM summaries_submissionevent WHERE submission_id = ? AND status <> 'erased'",
            (found["id"],),
        )
        return {**dict(found), "stored_pdfs": stored.fetchone()[0], "details": [d for (d,) in details.fetchall()]}


def assert_erased(stack, token: str) -> None:
    erased = row(stack, token)
    assert erased["status"] == "erased"
    assert [erased[column] for column in ANSWER_COLUMNS.split(", ")] == [""] * 9
    assert erased["stored_pdfs"] == 0 and erased["lease_owner"] == "" and erased["confirmation_token"] is None
    assert set(erased["details"]) <= {""}
    page = requests.get(f"{stack.base_url}/s/{token}/", timeout=10).text
    assert "have been deleted" in page
    assert requests.get(f"{stack.base_url}/s/{token}/summary.pdf", timeout=10).status_code == 404


def a_later_submission_is_sent(stack, smtp_sink) -> None:
    """The worker has moved on past the erased row: anything it would have sent for it is out by now."""
    token = stack.submit_ok(email="later@example.com")
    stack.wait_for_status(token, "sent", timeout=90)
    wait_until(lambda: smtp_sink.received_for("later@example.com"), 10, "the later email")
    smtp_sink.reset()


def test_erased_before_any_worker_saw_it_nothing_is_ever_sent(make_stack, smtp_sink):
    stack = make_stack()
    stack.prepare()
    stack.start_web()
    token = stack.submit_ok(email="waiting@example.com")
    assert row(stack, token)["status"] == "received"

    erase_over_http(stack, token)
    stack.start_worker()
    stack.start_beat()
    a_later_submission_is_sent(stack, smtp_sink)

    assert_erased(stack, token)
    assert smtp_sink.received_for("waiting@example.com") == []


def test_erased_mid_send_the_email_goes_but_nothing_is_left_and_a_retry_never_comes(make_stack, smtp_sink):
    stack = make_stack().start()

    # Mid-send: the worker is inside the SMTP conversation, waiting for the reply to DATA.
    smtp_sink.hold_next(1)
    sending = stack.submit_ok(email="midsend@example.com")
    assert smtp_sink.holding.wait(60)
    erase_over_http(stack, sending)
    smtp_sink.release()
    wait_until(lambda: smtp_sink.received_for("midsend@example.com"), 30, "the held email, accepted")
    a_later_submission_is_sent(stack, smtp_sink)
    assert_erased(stack, sending)

    # Waiting for a retry after the mail server said "try later", PDF already kept.
    smtp_sink.behaviour.fail_next = 1
    retrying = stack.submit_ok(email="retry@example.com")
    wait_until(lambda: row(stack, retrying)["status"] == "rendered", 60, "the send to be refused once")
    assert row(stack, retrying)["stored_pdfs"] == 1
    retry_at = datetime.fromisoformat(row(stack, retrying)["next_attempt_at"]).replace(tzinfo=UTC)
    erase_over_http(stack, retrying)
    # Once its retry was due, and a sweep later, the worker would have sent it.
    wait_until(lambda: datetime.now(UTC) > retry_at + timedelta(seconds=2), 30, "the retry's time to pass")
    a_later_submission_is_sent(stack, smtp_sink)
    assert_erased(stack, retrying)
    assert smtp_sink.received_for("retry@example.com") == []


def test_a_sent_and_a_failed_submission_are_erased_with_their_pdf(make_stack, smtp_sink):
    smtp_sink.behaviour.unknown_recipients = {"nobody@example.com"}
    stack = make_stack().start()
    sent = stack.submit_ok(email="sent@example.com")
    failed = stack.submit_ok(email="nobody@example.com")
    stack.wait_for_status(sent, "sent", timeout=90)
    stack.wait_for_status(failed, "failed", timeout=90)
    assert row(stack, sent)["stored_pdfs"] == 1 and row(stack, failed)["stored_pdfs"] == 1

    erase_over_http(stack, sent)
    erase_over_http(stack, failed)

    assert_erased(stack, sent)
    assert_erased(stack, failed)
