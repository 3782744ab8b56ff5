"""The chaos soak: steady submissions on Redis + PostgreSQL while things break at random moments.

python -m bench --soak [--minutes 30]

For the whole run a client submits the form about once a second, while at random moments
(every 40 to 90 s) one of these happens: a worker is killed (SIGKILL, its children too) and
started again, the broker (a redis-server of the soak's own, without persistence) is restarted
empty, or the mail server answers the next few emails with a 4xx. Then the soak waits until
every submission is sent or failed and reports, counted at the mail server: submitted,
delivered, duplicates, failed, the longest time from submit to delivery, and the memory (RSS) of
each process at the start and the end. Nothing here asserts: the figures are reported.
"""

import random
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from tests.integration.rows import Rows
from tests.integration.services import RedisServer, new_postgres_database
from tests.integration.smtp_sink import SmtpSink
from tests.integration.stack import Stack

# Recovery within a soak's minutes, with the margins the settings require (lease > limit + 5 s).
SOAK_ENV = {
    "SUBMISSION_LEASE_SECONDS": "30",
    "TASK_SOFT_TIME_LIMIT_SECONDS": "15",
    "TASK_TIME_LIMIT_SECONDS": "20",
    "SUBMISSION_REQUEUE_AFTER_SECONDS": "30",
    "SWEEP_INTERVAL_SECONDS": "5",
    "RETRY_BASE_SECONDS": "2",
    "RETRY_MAX_SECONDS": "30",
    "SUBMISSION_MAX_ATTEMPTS": "10",
    "EMAIL_TIMEOUT": "10",
}
WORKERS = ("worker1", "worker2")
SUBMIT_INTERVAL_SECONDS = 1.0
FAULT_EVERY_SECONDS = (40, 90)
SETTLE_SECONDS = 600


@dataclass
class Soak:
    stack: Stack
    sink: SmtpSink
    broker: RedisServer
    rows: Rows
    submitted: dict[str, tuple[str, float]] = field(default_factory=dict)  # address -> (token, monotonic)
    refused: int = 0
    faults: Counter = field(default_factory=Counter)
    stop: threading.Event = field(default_factory=threading.Event)

    def submit_steadily(self) -> None:
        number = 0
        while not self.stop.is_set():
            address = f"soak-{number}@example.com"
            started = time.monotonic()
            try:
                token = self.stack.accepted_token(self.stack.submit(email=address))
                self.submitted[address] = (token, started)
            except Exception:  # noqa: BLE001 - a refused submit is counted, and the soak goes on
                self.refused += 1
            number += 1
            self.stop.wait(max(0.0, SUBMIT_INTERVAL_SECONDS - (time.monotonic() - started)))

    def break_things(self) -> None:
        faults = [self.kill_a_worker, self.restart_the_broker, self.refuse_some_emails]
        while not self.stop.wait(random.uniform(*FAULT_EVERY_SECONDS)):
            fault = random.choice(faults)
            self.faults[fault.__name__] += 1
            print(f"   {time.strftime('%H:%M:%S')} {fault.__name__}", flush=True)
            fault()

    def kill_a_worker(self) -> None:
        name = random.choice(WORKERS)
        self.stack.processes[name].kill()
        self.stack.start_worker(name)

    def restart_the_broker(self) -> None:
        self.broker.restart()

    def refuse_some_emails(self) -> None:
        with self.sink.lock:
            self.sink.behaviour.fail_next = random.randint(1, 5)

    def settle(self) -> dict[str, int]:
        tokens = [token for token, _ in self.submitted.values()]
        deadline = time.monotonic() + SETTLE_SECONDS
        while time.monotonic() < deadline:
            statuses = self.rows.statuses(tokens)
            if statuses["sent"] + statuses["failed"] == len(tokens):
                break
            time.sleep(1)
        return dict(self.rows.statuses(tokens))


def _children(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            pass
    return children


def _rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def memory(stack: Stack) -> dict[str, float]:
    """RSS in MiB of each process of the stack: each main process and each of its children."""
    found = {}
    for name, process in stack.processes.items():
        found[name] = _rss_mib(process.popen.pid)
        for index, child in enumerate(sorted(_children(process.popen.pid))):
            found[f"{name} child {index + 1}"] = _rss_mib(child)
    return found


def run(minutes: float) -> str:
    with ExitStack() as cleanup:
        root = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="soak-")))
        database_url = cleanup.enter_context(new_postgres_database())
        sink = SmtpSink().start()
        cleanup.callback(sink.stop)
        broker = RedisServer(root / "redis").start()
        cleanup.callback(broker.kill)
        stack = Stack(
            root=root / "stack",
            broker_url=broker.url,
            database_url=database_url,
            smtp_port=sink.port,
            extra_env=SOAK_ENV,
        )
        cleanup.callback(stack.stop)
        stack.prepare()
        stack.start_web()
        for name in WORKERS:
            stack.start_worker(name)
        stack.start_beat()
        soak = Soak(stack, sink, broker, Rows(database_url))
        # The memory "at the start" is read once every process has served a few jobs.
        for number in range(5):
            stack.wait_for_status(stack.submit_ok(email=f"warm-up-{number}@example.com"), "sent", 120)
        memory_at_start = memory(stack)

        threads = [threading.Thread(target=soak.submit_steadily), threading.Thread(target=soak.break_things)]
        for thread in threads:
            thread.start()
        soak.stop.wait(minutes * 60)
        soak.stop.set()
        for thread in threads:
            thread.join()
        # Whatever the last fault broke is mended, as an operator would, before counting.
        for name in WORKERS:
            if not stack.processes[name].alive():
                stack.start_worker(name)
        statuses = soak.settle()
        memory_at_end = memory(stack)
        return report(soak, minutes, statuses, memory_at_start, memory_at_end)


def report(soak: Soak, minutes: float, statuses: dict, at_start: dict, at_end: dict) -> str:
    addresses = set(soak.submitted)
    accepted = soak.sink.accepted_for(addresses)
    per_message_id = Counter(item.message["Message-ID"] for item in accepted)
    first: dict[str, float] = {}
    for item in accepted:
        first.setdefault(item.recipients[0], item.at)
    delays = [first[address] - at for address, (_, at) in soak.submitted.items() if address in first]
    unfinished = len(soak.submitted) - statuses.get("sent", 0) - statuses.get("failed", 0)
    lines = [
        f"== chaos soak: {minutes:g} minutes, Redis + PostgreSQL, {len(WORKERS)} workers",
        f"faults: {dict(soak.faults)}",
        "",
        "| submitted | refused | delivered | duplicates | failed | unfinished | longest delay |",
        "|-----------|---------|-----------|------------|--------|------------|---------------|",
        f"| {len(soak.submitted)} | {soak.refused} | {len(per_message_id)}"
        f" | {sum(per_message_id.values()) - len(per_message_id)} | {statuses.get('failed', 0)} | {unfinished}"
        f" | {max(delays, default=0.0):.1f} s |",
        "",
        "| process | RSS at start (MiB) | RSS at end (MiB) |",
        "|---------|--------------------|------------------|",
    ]
    for name in sorted(set(at_start) | set(at_end)):
        lines.append(f"| {name} | {at_start.get(name, float('nan')):.0f} | {at_end.get(name, float('nan')):.0f} |")
    return "\n".join(lines)
