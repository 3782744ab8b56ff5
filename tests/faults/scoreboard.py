"""Counting what a fault scenario did: submitted, delivered, duplicates, failed, delays.

Every submission in a scenario gets its own address, so the SMTP sink tells them apart; a
duplicate is a second accepted message with a Message-ID already seen. The rows collected
here are printed as a table at the end of the run (conftest.py).
"""

import statistics
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.integration.smtp_sink import SmtpSink
from tests.integration.stack import Stack, wait_until

FINAL = ("sent", "failed")


@dataclass(frozen=True)
class Row:
    scenario: str
    broker: str
    submitted: int
    delivered: int
    duplicates: int
    failed: int
    longest_delay: float
    submit_time: float
    submit_time_median: float
    # Forms posted in this scenario (a retry of earlier submissions posts none).
    submitted_now: int


RESULTS: list[Row] = []


@dataclass
class Submitted:
    token: str
    address: str
    at: float


@dataclass
class Scenario:
    name: str
    broker: str
    stack: Stack
    sink: SmtpSink
    submissions: list[Submitted] = field(default_factory=list)
    submit_seconds: list[float] = field(default_factory=list)
    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:8])

    def address(self, number: int) -> str:
        """The address of this scenario's submission `number` (counting from 1)."""
        return f"{self.tag}-{number}@example.com"

    def submit(self, count: int = 1, **answers) -> list[str]:
        """Post the form `count` times; each must answer with the normal redirect."""
        tokens = []
        for _ in range(count):
            address = self.address(len(self.submissions) + 1)
            started = time.monotonic()
            response = self.stack.submit(email=address, **answers)
            token = self.stack.accepted_token(response)
            # The POST alone, from sending it to its answer: what the person waits for.
            self.submit_seconds.append(response.elapsed.total_seconds())
            self.submissions.append(Submitted(token, address, started))
            tokens.append(token)
        return tokens

    def submit_with_the_first_email_held(self, count: int, seconds: float | None = None) -> None:
        """Submit `count` forms; returns once the mail server holds its reply to the first email."""
        self.sink.hold_next(1, seconds)
        self.submit(count)
        assert self.sink.holding.wait(60), "the first email never reached the mail server"

    def freeze_while_one_is(self, status: str, freeze: Callable[[], None], thaw: Callable[[], None]) -> str:
        """Freeze (SIGSTOP) a process while a submission is in `status`; returns that submission's token.

        A row can move on between looking and freezing: then the process is thawed and the
        next submission tried, until one is caught in `status` with the process frozen.
        """
        for _ in range(len(self.submissions)):
            token = wait_until(
                lambda: next((s.token for s in self.submissions if self.status_of(s.token) == status), None),
                60,
                f"a submission in {status}",
                interval=0.05,
            )
            freeze()
            if self.status_of(token) == status:
                return token
            thaw()
        raise AssertionError(f"{self.name}: no submission could be caught in {status}")

    def statuses(self) -> dict[str, dict]:
        return {s.token: self.stack.status(s.token) for s in self.submissions}

    def status_of(self, token: str) -> str:
        return self.stack.status(token)["status"]

    def settle(self, timeout: float = 90) -> Row:
        """Wait until every submission is sent or failed, then count and record the row."""
        deadline = time.monotonic() + timeout
        pending = {s.token for s in self.submissions}
        final: dict[str, dict] = {}
        while pending and time.monotonic() < deadline:
            for token in sorted(pending):
                payload = self.stack.status(token)
                if payload["status"] in FINAL:
                    final[token] = payload
                    pending.discard(token)
            if pending:
                time.sleep(0.3)
        if pending:
            stuck = {token: self.stack.status(token) for token in pending}
            raise AssertionError(f"{self.name}: {len(pending)} submission(s) never finished: {stuck}")
        row = self._count(final)
        RESULTS.append(row)
        return row

    def _count(self, final: dict[str, dict]) -> Row:
        addresses = {s.address for s in self.submissions}
        accepted = self.sink.accepted_for(addresses)
        per_message_id = Counter(item.message["Message-ID"] for item in accepted)
        first_arrival: dict[str, float] = {}
        for item in accepted:
            first_arrival.setdefault(item.message["To"], item.at)
        delays = [first_arrival[s.address] - s.at for s in self.submissions if s.address in first_arrival]
        self.failed_reasons = {token: p["reason"] for token, p in final.items() if p["status"] == "failed"}
        return Row(
            scenario=self.name,
            broker=self.broker,
            submitted=len(self.submissions),
            delivered=len(per_message_id),
            duplicates=sum(per_message_id.values()) - len(per_message_id),
            failed=sum(1 for reason in self.failed_reasons.values() if reason),
            longest_delay=max(delays, default=0.0),
            submit_time=max(self.submit_seconds, default=0.0),
            submit_time_median=statistics.median(self.submit_seconds) if self.submit_seconds else 0.0,
            submitted_now=len(self.submit_seconds),
        )

    def assert_all_delivered_once(self, row: Row) -> None:
        assert row.duplicates == 0, row
        assert row.delivered == row.submitted, row
        assert row.failed == 0, row


def table(rows: list[Row]) -> str:
    headers = [
        "scenario",
        "broker",
        "submitted",
        "delivered",
        "duplicates",
        "failed",
        "longest delay",
        "submit time (max / median)",
    ]
    lines = [
        [
            r.scenario,
            r.broker,
            str(r.submitted),
            str(r.delivered),
            str(r.duplicates),
            str(r.failed),
            f"{r.longest_delay:.1f} s",
            f"{r.submit_time:.2f} s / {r.submit_time_median:.2f} s" if r.submitted_now else "no new submits",
        ]
        for r in rows
    ]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(headers)]

    def format_line(cells):
        return "| " + " | ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)) + " |"

    separator = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([format_line(headers), separator, *(format_line(line) for line in lines)])
