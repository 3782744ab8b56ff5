"""A real SMTP server (aiosmtpd) that records what it accepts and can be told to misbehave."""

import email
import threading
import time
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.integration.ports import free_port


@dataclass
class Behaviour:
    # Reply to DATA with this code for the next N messages (e.g. 451 temporary, 554 permanent).
    fail_next: int = 0
    fail_code: str = "451 4.3.0 Try again later"
    # Recipients refused for good at RCPT TO.
    unknown_recipients: set[str] = field(default_factory=set)


class _Handler:
    def __init__(self, sink: "SmtpSink"):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.sink.behaviour.unknown_recipients:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.sink.lock:
            if self.sink.behaviour.fail_next > 0:
                self.sink.behaviour.fail_next -= 1
                self.sink.refused += 1
                return self.sink.behaviour.fail_code
            message = email.message_from_bytes(envelope.content, policy=policy.default)
            self.sink.messages.append(message)
            self.sink.accepted_at.append(time.time())
        return "250 Message accepted for delivery"


class SmtpSink:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.behaviour = Behaviour()
        self.messages: list[EmailMessage] = []
        # When each message was accepted (time.time()), in the order of `messages`.
        self.accepted_at: list[float] = []
        self.refused = 0
        self.lock = threading.Lock()
        self._controller: Controller | None = None

    def start(self) -> "SmtpSink":
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def received_for(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if address in (m["To"] or "")]

    def count(self) -> int:
        with self.lock:
            return len(self.messages)
