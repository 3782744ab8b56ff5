"""The connection to the mail server: one per worker process, kept open from one delivery to the next.

Opening a connection costs a TCP (and usually TLS) handshake, the server's greeting, EHLO and,
with a login, AUTH, and closing it a QUIT: with one email per job, most of the SMTP
conversation. After a delivery has been recorded, a worker process keeps its connection instead,
and the next delivery within EMAIL_CONNECTION_REUSE_SECONDS uses it once a NOOP shows that the
server is still there (servers drop idle connections; Postfix after 300 s). Otherwise, or
after MAX_DELIVERIES_PER_CONNECTION (some providers refuse more per session), a new one.

What does not change (docs/reliability.md): nothing happens on the connection between the
server's acceptance and the record of it; a connection on which anything failed or timed out is
dropped without a goodbye and never used again; and a kept connection that the server has
closed only costs a new connection, never a failed delivery.
"""

import os
import smtplib
import threading
import time
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
    """The connection kept from the last delivery, when it is recent and the server still answers."""
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
    try:
        if reusable and kept.backend.connection.noop()[0] == 250:
            _deliveries[id(kept.backend)] = kept.deliveries
            return kept.backend
    except (smtplib.SMTPException, OSError):
        pass  # gone or confused: a new connection below, nothing was sent on this one
    except BaseException:
        drop(kept.backend)  # a time limit during the NOOP
        raise
    drop(kept.backend)
    return None


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
