"""The connection to the mail server: one per worker process, kept open from one email to the next.

Opening a connection costs a TCP (and usually TLS) handshake, the server's greeting, EHLO and,
with a login, AUTH, and closing it a QUIT: with one email per job, most of the SMTP
conversation. So after a delivery has been recorded, a worker process keeps its connection, and
the next delivery within EMAIL_CONNECTION_REUSE_SECONDS uses it once the server has answered a
NOOP (servers drop idle connections). Otherwise, or after MAX_DELIVERIES_PER_CONNECTION (some
providers refuse more per session), it opens a new one.

What this keeps (docs/reliability.md, "The remaining window for a second copy"): nothing happens
on the connection between the server's acceptance and the record of it; a connection on which
anything failed or timed out is dropped without a goodbye and never used again; a goodbye that
fails never undoes a delivery.
"""

import logging
import os
import smtplib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend

from summaries.services.emailing import delivery_errors

logger = logging.getLogger("summaries.emailing")

MAX_DELIVERIES_PER_CONNECTION = 100
SMTP_OK = 250


@dataclass
class _Kept:
    backend: SmtpBackend
    pid: int
    server: tuple
    idle_since: float
    deliveries: int


_kept: _Kept | None = None
_lock = threading.Lock()


def _take_kept() -> _Kept | None:
    global _kept
    with _lock:
        kept, _kept = _kept, None
    return kept


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


@contextmanager
def mail_server_connection() -> Iterator[BaseEmailBackend]:
    """An open connection to the mail server for one delivery: the kept one if it still answers, else a new one.

    The caller records the delivery inside the `with` block, before the connection is kept or
    closed: the server has the mail once it accepts DATA, so waiting for its goodbye first would
    only widen the window in which a crash causes a second copy.
    """
    global _kept
    kept = _take_kept()
    connection, deliveries = _reusable(kept), kept.deliveries if kept else 0
    if connection is None:
        connection, deliveries = get_connection(fail_silently=False), 0
        with delivery_errors():
            connection.open()
    try:
        yield connection
    except BaseException:
        # No goodbye to a server that failed or hangs: a QUIT would wait out EMAIL_TIMEOUT again,
        # past a soft time limit that fired while it was waiting.
        _drop(connection)
        raise
    if _worth_keeping(connection, deliveries + 1):
        with _lock:
            previous, _kept = _kept, _Kept(connection, os.getpid(), _server(), time.monotonic(), deliveries + 1)
        if previous is not None:
            _drop(previous.backend)
        return
    try:
        connection.close()
    except (smtplib.SMTPException, OSError) as exc:
        logger.warning("closing the mail server connection failed after delivery: %s", type(exc).__name__)


def _reusable(kept: _Kept | None) -> SmtpBackend | None:
    """The kept connection, if it is this process's, recent, for these settings, and the server answers a NOOP."""
    if kept is None:
        return None
    if (
        kept.pid == os.getpid()
        and kept.server == _server()
        and time.monotonic() - kept.idle_since < settings.EMAIL_CONNECTION_REUSE_SECONDS
    ):
        try:
            if kept.backend.connection.noop()[0] == SMTP_OK:
                return kept.backend
        except (smtplib.SMTPException, OSError):
            pass
    _drop(kept.backend)
    return None


def _worth_keeping(connection: BaseEmailBackend, deliveries: int) -> bool:
    return (
        settings.EMAIL_CONNECTION_REUSE_SECONDS > 0
        and isinstance(connection, SmtpBackend)
        and connection.connection is not None
        and deliveries < MAX_DELIVERIES_PER_CONNECTION
    )


def _drop(connection: BaseEmailBackend) -> None:
    """Close the socket of Django's SMTP backend without the QUIT its close() would send."""
    smtp = getattr(connection, "connection", None)
    if smtp is not None:
        smtp.close()
        connection.connection = None


def drop_kept_connection() -> None:
    """Let go of the kept connection (a worker process exiting, a test changing servers)."""
    kept = _take_kept()
    if kept is not None:
        _drop(kept.backend)
