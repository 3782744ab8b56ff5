"""A real SMTP server (aiosmtpd) that records what it accepts and can be told to misbehave.

Faults it can play: a 4xx/5xx reply to DATA, unknown recipients, refusing connections (stop,
then start again on the same port), holding its reply to DATA for a while or for good, closing
a connection when the next email begins (421 to MAIL, then hanging up), and never answering QUIT.
A message counts as accepted only once the 250 reply is sent: a client that disconnects while
the reply is held leaves nothing behind, as with a real server that never said yes.
"""

import asyncio
import email
import threading
import time
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from functools import cached_property

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import MISSING, SMTP

from tests.integration.ports import free_port


@dataclass
class Behaviour:
    # Reply to DATA with this code for the next N messages (e.g. 451 temporary, 554 permanent).
    fail_next: int = 0
    fail_code: str = "451 4.3.0 Try again later"
    # Recipients refused for good at RCPT TO.
    unknown_recipients: set[str] = field(default_factory=set)
    # Hold the reply to DATA of the next N messages for hold_seconds (None: until the client leaves).
    hold_next: int = 0
    hold_seconds: float | None = None
    # Never answer QUIT: the goodbye after a delivery hangs until the client gives up.
    hang_on_quit: bool = False
    # Answer the next N MAIL commands with 421 and hang up, as a server does that shuts down, or
    # that ends a connection at the moment a client reuses it.
    close_at_mail_next: int = 0


@dataclass(frozen=True)
class Accepted:
    raw: bytes
    recipients: tuple[str, ...]  # the envelope's RCPT TO addresses
    at: float  # time.monotonic() when the 250 reply was sent
    sender: str = ""  # the envelope's MAIL FROM address (a VERP bounce address, when BOUNCE_DOMAIN is set)

    @cached_property
    def message(self) -> EmailMessage:
        # Parsed when a test reads it, not before the 250: parsing a summary email takes the
        # email package ~4.5 ms, which a real server does not spend before accepting, and which
        # the benchmarks would otherwise count as the product's.
        return email.message_from_bytes(self.raw, policy=policy.default)


class _Handler:
    def __init__(self, sink: "SmtpSink"):
        self.sink = sink

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # Every client connection starts with one EHLO: counting them counts connections.
        session.host_name = hostname
        with self.sink.lock:
            self.sink.greeted += 1
        return responses

    async def handle_NOOP(self, server, session, envelope, arg):
        with self.sink.lock:
            self.sink.noops += 1
        return "250 OK"

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        with self.sink.lock:
            closing = self.sink.behaviour.close_at_mail_next > 0
            if closing:
                self.sink.behaviour.close_at_mail_next -= 1
        if closing:
            # Hang up once the reply is written (aiosmtpd writes the returned reply right away).
            asyncio.get_running_loop().call_soon(server.transport.close)
            return "421 4.3.2 Service shutting down, closing transmission channel"
        # What aiosmtpd does itself when the handler has no MAIL hook.
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.sink.behaviour.unknown_recipients:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.sink.lock:
            behaviour = self.sink.behaviour
            if behaviour.fail_next > 0:
                behaviour.fail_next -= 1
                self.sink.refused += 1
                return behaviour.fail_code
            hold = behaviour.hold_next > 0
            if hold:
                behaviour.hold_next -= 1
                hold_seconds = behaviour.hold_seconds
        if hold:
            try:
                await self.sink._hold(hold_seconds)
            except asyncio.CancelledError:
                # aiosmtpd cancels the handler when the client goes away: nothing was accepted.
                with self.sink.lock:
                    self.sink.abandoned += 1
                raise
        accepted = Accepted(envelope.content, tuple(envelope.rcpt_tos), time.monotonic(), envelope.mail_from or "")
        with self.sink.lock:
            self.sink.accepted.append(accepted)
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server, session, envelope):
        if self.sink.behaviour.hang_on_quit:
            await self.sink._hold(None)
        return "221 Bye"


class _WholeDataSMTP(SMTP):
    """aiosmtpd's server, reading a message's DATA in blocks instead of one line at a time.

    aiosmtpd awaits, logs and checks every line of DATA in Python: 2.7 ms of CPU for a summary
    email (500 lines of base64), against 1.0 ms read in blocks. The sink runs
    on the machine it measures, so that time was counted as the product's: a mail server in
    production is another machine, and one written in C spends a fraction of it. What the client
    sees is unchanged: the same replies, the message unstuffed as RFC 5321 4.5.2 says, the same
    handler hooks (faults included).
    """

    async def smtp_DATA(self, arg: str) -> None:
        if await self.check_helo_needed() or await self.check_auth_needed("DATA"):
            return
        if not self.envelope.rcpt_tos:
            await self.push("503 Error: need RCPT command")
            return
        if arg:
            await self.push("501 Syntax: DATA")
            return
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        data = bytearray()
        # The client waits for our reply after the lone dot, so nothing follows it in the stream.
        while not (data.endswith(b"\r\n.\r\n") or data == b".\r\n"):
            block = await self._reader.read(1 << 16)
            if not block:
                return  # the client went away: nothing was accepted
            data += block
        if self.data_size_limit and len(data) > self.data_size_limit:
            self._set_post_data_state()
            await self.push("552 Error: Too much mail data")
            return
        # Without the terminating dot line; a line's leading dot was doubled by the client.
        content = (b"\r\n" + data[:-3]).replace(b"\r\n.", b"\r\n")[2:]
        self.envelope.content = self.envelope.original_content = bytes(content)
        status = await self._call_handler_hook("DATA")
        self._set_post_data_state()
        await self.push("250 OK" if status is MISSING else status)


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _WholeDataSMTP(self.handler, **self.SMTP_kwargs)


class SmtpSink:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.behaviour = Behaviour()
        self.accepted: list[Accepted] = []
        self.refused = 0
        self.greeted = 0  # EHLOs received: one per client connection
        self.noops = 0
        self.abandoned = 0
        self.lock = threading.Lock()
        # Set while a DATA reply is being held, so a test can act at that exact moment.
        self.holding = threading.Event()
        self._release = threading.Event()
        self._controller: _Controller | None = None

    def start(self) -> "SmtpSink":
        self._controller = _Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop listening: connections are refused until start() is called again."""
        if self._controller is not None:
            self._release.set()
            self._controller.stop()
            self._controller = None

    def hold_next(self, count: int = 1, seconds: float | None = None) -> None:
        with self.lock:
            self._release.clear()
            self.holding.clear()
            self.behaviour.hold_next = count
            self.behaviour.hold_seconds = seconds

    def release(self) -> None:
        """End every hold now: held messages are accepted if their client is still there."""
        self._release.set()

    def reset(self) -> None:
        with self.lock:
            self.behaviour = Behaviour()
        self.release()
        self.holding.clear()

    async def _hold(self, seconds: float | None) -> None:
        self.holding.set()
        deadline = None if seconds is None else time.monotonic() + seconds
        while not self._release.is_set() and (deadline is None or time.monotonic() < deadline):
            await asyncio.sleep(0.05)

    @property
    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return [item.message for item in self.accepted]

    def received_for(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in (m["To"] or "")]

    def accepted_for(self, addresses: set[str]) -> list[Accepted]:
        with self.lock:
            return [item for item in self.accepted if addresses.intersection(item.recipients)]

    def count(self) -> int:
        with self.lock:
            return len(self.accepted)
