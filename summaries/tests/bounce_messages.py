"""Messages the bounce receiver meets, written as Postfix writes them (RFC 3464 reports), and others."""

BOUNDARY = "3F1A2C0123.1764669000/mail.example.com"
USER_UNKNOWN = "smtp; 550 5.1.1 <{recipient}>: Recipient address rejected: User unknown in virtual mailbox table"


def postfix_bounce(
    *,
    to: str,
    recipient: str,
    action: str = "failed",
    status: str = "5.1.1",
    diagnostic: str = USER_UNKNOWN,
    original_headers: str = "",
) -> bytes:
    """A delivery status notification from Postfix's bounce daemon, with CRLF line endings."""
    diagnostic = diagnostic.format(recipient=recipient)
    subject = "Undelivered Mail Returned to Sender" if action == "failed" else "Delayed Mail (still being retried)"
    text = f"""Return-Path: <>
Received: by mail.example.com (Postfix) id 3F1A2C0123; Wed,  2 Dec 2026 09:50:00 +0000 (UTC)
Date: Wed,  2 Dec 2026 09:50:00 +0000 (UTC)
From: MAILER-DAEMON@mail.example.com (Mail Delivery System)
Subject: {subject}
To: {to}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="{BOUNDARY}"
Content-Transfer-Encoding: 8bit
Message-Id: <20261202095000.3F1A2C0123@mail.example.com>

This is a MIME-encapsulated message.

--{BOUNDARY}
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.example.com.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

                   The mail system

<{recipient}>: host mx.example.net[192.0.2.25] said: {diagnostic}
    (in reply to RCPT TO command)

--{BOUNDARY}
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.example.com
X-Postfix-Queue-ID: 3F1A2C0123
X-Postfix-Sender: rfc822; {to}
Arrival-Date: Wed,  2 Dec 2026 09:49:58 +0000 (UTC)

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: {action}
Status: {status}
Remote-MTA: dns; mx.example.net
Diagnostic-Code: {diagnostic}

--{BOUNDARY}
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

{original_headers}
--{BOUNDARY}--
"""
    return text.replace("\n", "\r\n").encode()


def out_of_office_reply(*, to: str) -> bytes:
    text = f"""From: Ada Lovelace <ada@example.net>
To: {to}
Subject: Out of office: Your Personal Summary
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

I am away until Monday and will read your message when I am back.
"""
    return text.replace("\n", "\r\n").encode()


def report_without_status_part(*, to: str) -> bytes:
    text = f"""From: MAILER-DAEMON@mail.example.com
To: {to}
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

Something went wrong, but the machine-readable part is missing.
--b--
"""
    return text.replace("\n", "\r\n").encode()
