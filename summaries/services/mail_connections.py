"""The connection to the mail server: one per worker process, kept open from one delivery to the next.

Opening a connection costs a TCP (and usually TLS) handshake, the server's greeting, EHLO and,
with a login, AUTH, and closing it a QUIT: with one email per job, most of the SMTP
conversation. After a delivery has been recorded, a worker process keeps its connection instead,
and the next delivery within EMAIL_CONNECTION_REUSE_SECONDS uses it if the server has not hung
up meanwhile (servers drop idle connections; Postfix after 300 s). Otherwise, or after
MAX_DELIVERIES_PER_CONNECTION (some providers refuse more per session), a new one.

Whether the server hung up is read from the socket (_server_still_listening), not asked with a
NOOP, which cost a round trip before every email (bench/RESULTS.md); a kept connection that
fails anyway before the message was handed over is replaced at once (retry_on_new_connection).

What does not change (docs/reliability.md): nothing happens on the connection between the
server's acceptance and the record of it; a connection on which anything failed or timed out is
dropped without a goodbye and never used again; and a kept connection that the server has
closed only costs a new connection, never a failed delivery.
"""

import os
import select
import smtplib
import ssl
import threading
import time
import traceback
from dataclasses import dataclass

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend

MAX_DELIVERIES_PER_CONNECTION = 100


@dataclass
class _Kept:
    backend: SmtpBackend
    pid: int
    server: tuple
    idle_since: float
    deliveries: int


_kept: _Kept | None = None
_deliveries: dict[int, int] = {}  # deliveries made over each connection in use, by id()
_lock = threading.Lock()


def _server() -> tuple:
    """What a connection was opened for: a change of any of these (a test's settings) needs a new one."""
    return (
        settings.EMAIL_BACKEND,
        settings.EMAIL_HOST,
        settings.EMAIL_PORT,
        settings.EMAIL_HOST_USER,
        settings.EMAIL_USE_TLS,
        settings.EMAIL_USE_SSL,
    )


def take_kept_connection() -> BaseEmailBackend | None:
    """The connection kept from the last delivery, when it is recent and the server has not hung up."""
    global _kept
    with _lock:
        kept, _kept = _kept, None
    if kept is None:
        return None
    reusable = (
        kept.pid == os.getpid()
        and kept.server == _server()
        and time.monotonic() - kept.idle_since < settings.EMAIL_CONNECTION_REUSE_SECONDS
        and kept.deliveries < MAX_DELIVERIES_PER_CONNECTION
    )
    if reusable and _server_still_listening(kept.backend.connection):
        _deliveries[id(kept.backend)] = kept.deliveries
        return kept.backend
    drop(kept.backend)
    return None


def _server_still_listening(smtp: smtplib.SMTP) -> bool:
    """No word from the server since its last reply: neither a goodbye nor a hang-up.

    Between one email and the next the server has nothing to say; anything it sent meanwhile
    (a 421, a TLS close_notify, the end of the stream) means it is closing the connection.
    """
    sock = smtp.sock
    if sock is None:
        return False
    if isinstance(sock, ssl.SSLSocket) and sock.pending():
        return False
    poller = select.poll()
    poller.register(sock, select.POLLIN | select.POLLPRI)  # hang-ups and errors are always reported
    return not poller.poll(0)


def retry_on_new_connection(connection: BaseEmailBackend | None, failure: BaseException) -> bool:
    """Replace a kept connection that failed before the email was handed over; True: send again.

    Only a kept connection (a new one that fails has nothing to fall back on), only when the
    server hung up or said 421 (closing) rather than answering the email, and only before DATA:
    until then the server has nothing it could deliver, so sending again cannot make a second copy.
    """
    if connection is None or id(connection) not in _deliveries:
        return False
    closing = isinstance(failure, (smtplib.SMTPServerDisconnected, OSError)) or (
        isinstance(failure, smtplib.SMTPResponseException) and failure.smtp_code == 421
    )
    if not closing or _failed_in_data(failure):
        return False
    drop(connection)
    connection.open()  # the caller's own error handling takes a failure here
    return True


# smtplib.SMTP.sendmail() hands the message over in its data() method: an error raised in it, or
# the SMTPDataError raised on its answer, may have left the message with the server.
_SMTP_DATA = smtplib.SMTP.data.__code__


def _failed_in_data(failure: BaseException) -> bool:
    if isinstance(failure, smtplib.SMTPDataError):
        return True
    return any(frame.f_code is _SMTP_DATA for frame, _ in traceback.walk_tb(failure.__traceback__))


def keep(connection: BaseEmailBackend) -> bool:
    """Keep a connection whose delivery is recorded for the next one; False: close it instead."""
    global _kept
    deliveries = _deliveries.pop(id(connection), 0) + 1
    if (
        settings.EMAIL_CONNECTION_REUSE_SECONDS <= 0
        or not isinstance(connection, SmtpBackend)
        or connection.connection is None
    ):
        return False
    with _lock:
        previous, _kept = _kept, _Kept(connection, os.getpid(), _server(), time.monotonic(), deliveries)
    if previous is not None:
        drop(previous.backend)
    return True


def drop(connection: BaseEmailBackend) -> None:
    """Close the socket of Django's SMTP backend without the QUIT its close() would send."""
    _deliveries.pop(id(connection), None)
    smtp = getattr(connection, "connection", None)
    if smtp is not None:
        smtp.close()
        connection.connection = None


def drop_kept_connection() -> None:
    """Let go of the kept connection (a worker process exiting, a test changing servers)."""
    global _kept
    with _lock:
        kept, _kept = _kept, None
    if kept is not None:
        drop(kept.backend)
