"""Deliverability over real processes: bounces over SMTP to the `bounces` process, one-click stop
over HTTP without cookies, DKIM signatures on what the real SMTP server received."""

import re
import smtplib
import socket

import dkim
import pytest
import requests

from summaries.tests.bounce_messages import out_of_office_reply, postfix_bounce, report_without_status_part
from summaries.tests.dkim_keys import make_key_pair
from tests.integration.ports import free_port
from tests.integration.stack import BIN, wait_until

pytestmark = pytest.mark.integration

BOUNCE_DOMAIN = "bounces.example.com"
FLOOD_LIMIT = 8


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _smtp_code(send) -> int:
    """The reply code a refused message got, whichever command refused it."""
    with pytest.raises(smtplib.SMTPException) as refused:
        send()
    error = refused.value
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        [(code, _)] = error.recipients.values()
        return code
    return error.smtp_code


def test_a_postfix_bounce_over_smtp_ends_the_row_bounced_and_the_address_is_never_emailed_again(make_stack, smtp_sink):
    bounce_port = free_port()
    stack = make_stack(
        extra_env={
            "BOUNCE_DOMAIN": BOUNCE_DOMAIN,
            "BOUNCE_PORT": str(bounce_port),
            "BOUNCE_MAX_BYTES": "65536",
            "BOUNCE_MAX_PER_MINUTE": str(FLOOD_LIMIT),
        }
    ).start()
    receiver = stack.run_procfile("bounces")
    wait_until(lambda: _listening(bounce_port) or not receiver.alive(), 30, "the bounces process listening")
    assert receiver.alive(), receiver.log_text()

    token = stack.submit_ok(email="nobody@example.net")
    stack.wait_for_status(token, "sent", timeout=90)
    [sent] = wait_until(lambda: smtp_sink.accepted_for({"nobody@example.net"}), 10, "the summary")
    verp = sent.sender
    assert re.fullmatch(rf"bounces\+\d+-[0-9a-f]{{16}}@{re.escape(BOUNCE_DOMAIN)}", verp), verp
    assert sent.message["From"] == "About Me <summaries@example.com>"
    original_headers = sent.raw.split(b"\r\n\r\n", 1)[0].decode()

    def bounce(to: str, **fields) -> bytes:
        return postfix_bounce(to=to, recipient="nobody@example.net", original_headers=original_headers, **fields)

    forged = re.sub(r"-[0-9a-f]{16}@", "-" + "0" * 16 + "@", verp)
    with smtplib.SMTP("127.0.0.1", bounce_port, timeout=10) as client:
        # A forged VERP address is refused before any data is read.
        assert _smtp_code(lambda: client.sendmail("", [forged], bounce(forged))) == 550
        assert _smtp_code(lambda: client.sendmail("", ["bounces@" + BOUNCE_DOMAIN], bounce(forged))) == 550
        # An out-of-office reply is taken and dropped; a report that cannot be read is refused.
        assert client.sendmail("", [verp], out_of_office_reply(to=verp)) == {}
        assert _smtp_code(lambda: client.sendmail("", [verp], report_without_status_part(to=verp))) == 550
        # Larger than BOUNCE_MAX_BYTES: refused (at MAIL, from the SIZE the client declares).
        assert _smtp_code(lambda: client.sendmail("", [verp], bounce(verp) + b"x" * 70000 + b"\r\n")) == 552
    # None of that changed the row, and the receiver is still there.
    assert stack.status(token)["status"] == "sent"
    assert receiver.alive()

    with smtplib.SMTP("127.0.0.1", bounce_port, timeout=10) as client:
        assert client.sendmail("", [verp], bounce(verp)) == {}
    bounced = stack.wait_for_status(token, "bounced", timeout=30)
    assert bounced["reason"].startswith("5.1.1 smtp; 550 5.1.1")
    assert bounced["done"] is True

    # The address is suppressed: a new submission to it ends at once and nothing is sent.
    later = stack.submit_ok(email="nobody@example.net")
    assert stack.wait_for_status(later, "closed", timeout=30)["done"] is True
    other = stack.submit_ok(email="somebody@example.net")
    stack.wait_for_status(other, "sent", timeout=90)  # the worker is busy as ever
    assert len(smtp_sink.accepted_for({"nobody@example.net"})) == 1

    # A flood: past BOUNCE_MAX_PER_MINUTE messages a minute, the receiver answers 451 (try later).
    codes = []
    with smtplib.SMTP("127.0.0.1", bounce_port, timeout=10) as client:
        for _ in range(FLOOD_LIMIT + 2):
            try:
                client.sendmail("", [verp], out_of_office_reply(to=verp))
                codes.append(250)
            except smtplib.SMTPSenderRefused as refused:
                codes.append(refused.smtp_code)
    assert 451 in codes
    assert receiver.alive()

    log = receiver.log_text()
    for kind in ("bad_address", "not_a_bounce", "malformed", "oversized", "permanent", "flood"):
        assert f"bounce {kind}" in log, kind
    assert "nobody@example.net" not in log and verp not in log


def test_a_real_email_is_dkim_signed_and_its_one_click_link_works_without_cookies(make_stack, smtp_sink, tmp_path):
    keys = make_key_pair(tmp_path)
    stack = make_stack(
        extra_env={
            "DKIM_DOMAIN": "example.com",
            "DKIM_SELECTOR": "aboutme",
            "DKIM_PRIVATE_KEY_FILE": str(keys.private_key_file),
        }
    )
    stack.web_port = free_port()
    stack.extra_env["PUBLIC_BASE_URL"] = stack.base_url
    stack.start()

    token = stack.submit_ok(email="grace@example.com")
    stack.wait_for_status(token, "sent", timeout=90)
    [sent] = wait_until(lambda: smtp_sink.accepted_for({"grace@example.com"}), 10, "the summary")

    # The signature holds for the published key, and no longer once a signed header is changed.
    assert dkim.verify(sent.raw, dnsfunc=keys.dns_record)
    altered = re.sub(rb"\r\nSubject: [^\r]*", b"\r\nSubject: Something else", sent.raw, count=1)
    assert altered != sent.raw
    assert not dkim.verify(altered, dnsfunc=keys.dns_record)

    message = sent.message
    assert message["Auto-Submitted"] == "auto-generated" and message["X-Auto-Response-Suppress"] == "All"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = str(message["List-Unsubscribe"]).strip().strip("<>")
    assert url.startswith(stack.base_url + "/unsubscribe/")

    # What a mail client's one-click does: a bare POST, no cookie, no CSRF token.
    tampered = requests.post(url[:-3] + "xx/", data={"List-Unsubscribe": "One-Click"}, timeout=10)
    assert tampered.status_code == 400 and "This link does not work" in tampered.text
    clicked = requests.post(url, data={"List-Unsubscribe": "One-Click"}, allow_redirects=False, timeout=10)
    assert clicked.status_code == 200, clicked.text[:500]
    assert "This address will not be emailed again" in clicked.text
    assert "This address will not be emailed again" in requests.get(url, timeout=10).text

    later = stack.submit_ok(email="grace@example.com")
    stack.wait_for_status(later, "closed", timeout=30)
    assert len(smtp_sink.accepted_for({"grace@example.com"})) == 1


def test_a_dkim_key_that_cannot_be_read_stops_start_up_with_a_clear_message(make_stack, tmp_path):
    missing = tmp_path / "missing.pem"
    stack = make_stack(
        extra_env={"DKIM_DOMAIN": "example.com", "DKIM_SELECTOR": "s1", "DKIM_PRIVATE_KEY_FILE": str(missing)}
    )
    with pytest.raises(RuntimeError, match=f"DKIM_PRIVATE_KEY_FILE {re.escape(str(missing))} cannot be read"):
        stack.manage("check")


def test_the_bounces_process_speaks_lmtp_when_asked(make_stack):
    # Postfix's lmtp transport: LHLO instead of EHLO, the same checks behind it.
    bounce_port = free_port()
    stack = make_stack(extra_env={"BOUNCE_DOMAIN": BOUNCE_DOMAIN, "BOUNCE_PORT": str(bounce_port)}).prepare()
    receiver = stack.spawn("bounces", [str(BIN / "python"), "manage.py", "receive_bounces", "--lmtp"])
    wait_until(lambda: _listening(bounce_port) or not receiver.alive(), 30, "the LMTP receiver listening")
    with smtplib.LMTP("127.0.0.1", bounce_port, timeout=10) as client:
        assert client.ehlo_or_helo_if_needed() is None
        forged = f"bounces+1-{'0' * 16}@{BOUNCE_DOMAIN}"
        assert _smtp_code(lambda: client.sendmail("", [forged], out_of_office_reply(to=forged))) == 550
    assert receiver.alive()
    assert "bounce bad_address" in receiver.log_text()


def test_the_bounces_process_will_not_start_without_a_bounce_domain(make_stack):
    stack = make_stack().prepare()
    receiver = stack.run_procfile("bounces")
    assert receiver.wait_exit(60) != 0
    assert "BOUNCE_DOMAIN is not set" in receiver.log_text()
