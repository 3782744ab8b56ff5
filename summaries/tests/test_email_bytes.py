"""The quick writer gives the email package's bytes, and picks boundaries the text does not hold."""

import email.generator
import os
from email import message_from_bytes
from email.generator import BytesGenerator
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from io import BytesIO

import pytest

from summaries.services import email_bytes
from summaries.services.emailing import build_summary_email
from summaries.tests.factories import build_submission

# Text with every kind of line ending, a line that starts with "From " and non-ASCII letters.
AWKWARD_TEXT = "one\r\ntwo\rthree\nFrom here on\r\n\r\nZoë says hi\r\r\nfour\n\rno ending"


def _stock_bytes(mime) -> bytes:
    out = BytesIO()
    BytesGenerator(out, mangle_from_=False).flatten(mime, linesep="\r\n")
    return out.getvalue()


def _text_in_every_encoding():
    mime = MIMEMultipart()
    for charset in ("us-ascii", "utf-8", "iso-8859-1"):
        text = AWKWARD_TEXT if charset != "us-ascii" else AWKWARD_TEXT.encode("ascii", "replace").decode()
        mime.attach(MIMEText(text, "plain", charset))
    return mime


def test_the_quick_writer_writes_every_line_ending_as_the_email_package():
    mime = _text_in_every_encoding()
    stock = _stock_bytes(mime)
    assert email_bytes.as_bytes(mime, linesep="\r\n") == stock
    assert b"two\r\nthree" in stock  # the us-ascii part is written as it is, with its endings made CRLF


@pytest.mark.parametrize("quick_first", [True, False])
def test_the_quick_writer_writes_the_same_bytes_as_the_email_package(quick_first):
    pdf = os.urandom(30_000)
    mime = build_summary_email(build_submission(name=AWKWARD_TEXT), pdf).message()
    # Whichever writes first picks the boundaries and stores them in the message; the other reuses them.
    if quick_first:
        quick, stock = email_bytes.as_bytes(mime, linesep="\r\n"), _stock_bytes(mime)
    else:
        stock, quick = _stock_bytes(mime), email_bytes.as_bytes(mime, linesep="\r\n")
    assert quick == stock
    attachment = [part for part in message_from_bytes(quick).walk() if part.get_filename() == "summary.pdf"]
    assert attachment[0].get_payload(decode=True) == pdf


def test_the_summary_email_is_written_by_the_quick_writer(monkeypatch):
    written = []
    real = email_bytes.QuickBytesGenerator._write_lines
    monkeypatch.setattr(
        email_bytes.QuickBytesGenerator, "_write_lines", lambda self, lines: written.append(lines) or real(self, lines)
    )
    raw = build_summary_email(build_submission(), b"%PDF-1.7 fake").message().as_bytes(linesep="\r\n")
    assert written and b"Ada Lovelace" in raw


def test_a_boundary_found_in_the_text_is_not_used(monkeypatch):
    monkeypatch.setattr(email_bytes.random, "randrange", lambda _: 7)
    taken = "=" * 15 + email.generator._fmt % 7 + "=="  # the email package's own form
    assert email_bytes.QuickBytesGenerator._make_boundary(f"text\r\n--{taken}\r\n".encode()) == taken + ".0"
    assert email_bytes.QuickBytesGenerator._make_boundary(f"--{taken}.0 and --{taken}") == taken + ".1"
    assert email_bytes.QuickBytesGenerator._make_boundary(b"nothing like it") == taken


def test_an_answer_holding_a_likely_boundary_cannot_split_the_email(monkeypatch):
    monkeypatch.setattr(email_bytes.random, "randrange", lambda _: 7)
    taken = "=" * 15 + email.generator._fmt % 7 + "=="  # the email package's own form
    raw = build_summary_email(build_submission(name=f"--{taken}--"), b"%PDF").message().as_bytes(linesep="\r\n")
    parsed = message_from_bytes(raw)
    assert [part.get_content_type() for part in parsed.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "application/pdf",
    ]
    assert f"--{taken}--" in parsed.get_payload(0).get_payload(0).get_payload(decode=True).decode()
