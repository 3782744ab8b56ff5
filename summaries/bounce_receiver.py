"""The `bounces` process: an SMTP (or LMTP) server that the mail server hands bounces to.

Each message must be addressed to one VERP address of ours (services/verp.py), checked at RCPT
before any data is read, and be a delivery report (services/delivery_reports.py). Anything else
is refused or dropped, counted, and logged by kind only: no address or content reaches the log.

- wrong or missing hash, another domain:     550 at RCPT
- more than one recipient in one message:    452 at RCPT (each report has one reply, SMTP or LMTP)
- larger than BOUNCE_MAX_BYTES:              552 (aiosmtpd's data_size_limit)
- not a report (an out-of-office reply):     250, dropped, so the sender does not try again
- a report that cannot be read:              550 5.6.0
- over BOUNCE_MAX_PER_MINUTE messages:       451 at MAIL, so a real server tries again later
- a database that does not answer:           451 after DATA, so the report comes again
"""

import asyncio
import logging
import signal
import time
from collections import Counter, deque

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP
from asgiref.sync import sync_to_async
from django.db import DatabaseError, close_old_connections

from summaries.services.bounces import record_bounce
from summaries.services.delivery_reports import MalformedReport, NotABounce, read_report
from summaries.services.verp import submission_of

logger = logging.getLogger("summaries.bounces")

# Idle seconds before a connection is closed, and commands of one kind allowed per connection:
# a client that dawdles or loops cannot hold the receiver.
IDLE_TIMEOUT_SECONDS = 30
COMMAND_CALL_LIMIT = 20


class FloodGate:
    """At most `per_minute` messages in any sliding minute, across all connections."""

    def __init__(self, per_minute: int, clock=time.monotonic):
        self.per_minute = per_minute
        self.clock = clock
        self.recent: deque[float] = deque()

    def allow(self) -> bool:
        now = self.clock()
        while self.recent and self.recent[0] <= now - 60:
            self.recent.popleft()
        if self.per_minute and len(self.recent) >= self.per_minute:
            return False
        self.recent.append(now)
        return True


def _apply_report(submission_id: int, raw: bytes) -> str:
    """Runs in a thread (the ORM is synchronous); the connection rules are Django's own, as in a request."""
    close_old_connections()
    try:
        return record_bounce(submission_id, read_report(raw))
    finally:
        close_old_connections()


class BounceHandler:
    def __init__(self, *, max_per_minute: int):
        self.counts: Counter[str] = Counter()
        self.gate = FloodGate(max_per_minute)

    def count(self, kind: str) -> None:
        self.counts[kind] += 1
        level = logging.INFO if kind in ("permanent", "temporary", "delayed") else logging.WARNING
        logger.log(level, "bounce %s (%s so far; totals %s)", kind, self.counts[kind], dict(self.counts))

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if not self.gate.allow():
            self.count("flood")
            return "451 4.7.1 Too many messages, try again later"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if envelope.rcpt_tos:
            self.count("extra_recipient")
            return "452 4.5.3 One recipient per message"
        if submission_of(address) is None:
            self.count("bad_address")
            return "550 5.1.1 No such bounce address"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        [address] = envelope.rcpt_tos
        submission_id = submission_of(address)
        try:
            outcome = await sync_to_async(_apply_report)(submission_id, envelope.original_content)
        except NotABounce:
            self.count("not_a_bounce")
            return "250 OK: not a delivery report, dropped"
        except MalformedReport:
            self.count("malformed")
            return "550 5.6.0 Malformed delivery report"
        except DatabaseError:
            logger.exception("bounce for submission=%s not recorded: database error", submission_id)
            self.count("database_error")
            return "451 4.3.0 Try again later"
        self.count(outcome)
        return "250 OK"


class _CountsOversize:
    """aiosmtpd answers an oversized message itself; this counts it too."""

    event_handler: BounceHandler

    async def push(self, status: str) -> None:
        if status.startswith("552"):
            self.event_handler.count("oversized")
        await super().push(status)


class BounceSMTP(_CountsOversize, SMTP):
    pass


class BounceLMTP(_CountsOversize, LMTP):
    pass


async def serve(*, host: str, port: int, lmtp: bool, max_bytes: int, max_per_minute: int) -> None:
    """Listen until SIGTERM or SIGINT; each connection gets its own protocol, sharing one handler."""
    handler = BounceHandler(max_per_minute=max_per_minute)
    protocol = BounceLMTP if lmtp else BounceSMTP
    loop = asyncio.get_running_loop()

    def connection():
        return protocol(
            handler,
            data_size_limit=max_bytes,
            timeout=IDLE_TIMEOUT_SECONDS,
            command_call_limit=COMMAND_CALL_LIMIT,
            hostname="bounces",
            loop=loop,
        )

    server = await loop.create_server(connection, host=host, port=port)
    stopping = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    logger.info("bounce receiver (%s) listening on %s:%s", "LMTP" if lmtp else "SMTP", host, port)
    await stopping.wait()
    server.close()
    await server.wait_closed()
    logger.info("bounce receiver stopped; totals %s", dict(handler.counts))
