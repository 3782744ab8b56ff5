"""The test mail server itself: it must hand the tests exactly what a client sent."""

import smtplib

import pytest

from tests.integration.smtp_sink import SmtpSink


@pytest.fixture
def sink():
    started = SmtpSink().start()
    yield started
    started.stop()


def _send(sink: SmtpSink, raw: bytes) -> None:
    with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as client:
        client.sendmail("from@example.com", ["to@example.com"], raw)


@pytest.mark.parametrize(
    "body",
    [
        b".leading dot\r\n..two dots\r\nmiddle . dot\r\n.\r\n",  # smtplib doubles each leading dot
        b"x" * 900 + b"\r\n" + b"".join(b"line %d\r\n" % n for n in range(20000)),  # many blocks
        b"",
    ],
    ids=["dots", "large", "empty-body"],
)
def test_sink_keeps_the_message_exactly_as_sent(sink, body):
    raw = b"Subject: test\r\n\r\n" + body
    _send(sink, raw)
    # smtplib ends a message that does not end in a line ending with one.
    assert sink.accepted[0].raw == (raw if raw.endswith(b"\r\n") else raw + b"\r\n")
    assert sink.accepted[0].recipients == ("to@example.com",)


def test_sink_refusal_leaves_nothing_accepted(sink):
    sink.behaviour.fail_next = 1
    with pytest.raises(smtplib.SMTPDataError) as refused:
        _send(sink, b"Subject: test\r\n\r\nhello\r\n")
    assert refused.value.smtp_code == 451
    assert sink.count() == 0
    _send(sink, b"Subject: again\r\n\r\nhello\r\n")
    assert [item.raw for item in sink.accepted] == [b"Subject: again\r\n\r\nhello\r\n"]
