"""The product under test: a Stack (tests/integration/stack.py) on the broker and database asked for."""

import json
import subprocess
import tempfile
import time
import uuid
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.integration.services import REDIS_URL, new_postgres_database
from tests.integration.smtp_sink import SmtpSink
from tests.integration.stack import BIN, REPO, VALID_ANSWERS, Stack

# Production-like timings: the Stack's test defaults (a sweep every second) would add load
# that a deployment does not have.
BENCH_ENV = {"SWEEP_INTERVAL_SECONDS": "10"}


@dataclass(frozen=True)
class Backend:
    broker: str  # "embedded" or "redis"
    database: str  # "sqlite" or "postgres"

    @property
    def label(self) -> str:
        return f"{self.broker} broker + {self.database}"


@dataclass
class Environment:
    stack: Stack
    sink: SmtpSink
    # (recipient, acceptance time) of each message the sink accepted, in order, read once each:
    # the waits below poll every 50 ms. Matched on the envelope's recipient, so the benchmark
    # never parses a message (the email package takes ~4.5 ms per summary email, CPU taken from
    # the workers being measured).
    _scanned: list[tuple[str, float]] = field(default_factory=list)

    def reset(self) -> None:
        """Stop every process and leave nothing behind for the next benchmark.

        Messages still queued in the old queue are deleted (Stack.stop() does so on Redis and
        RabbitMQ; on the embedded broker they are files in the one folder every queue shares, which
        the next benchmark's worker would otherwise list on every fetch), and their rows are closed
        as failed so that no sweep publishes them again later.
        """
        self.stack.stop()
        self.stack.processes.clear()
        for retired in (self.stack.queue, self.stack.sweep_queue):
            for message in (self.stack.data_dir / "broker" / "queue").glob(f"*.{retired}.msg"):
                message.unlink(missing_ok=True)
        self.stack.queue = f"summaries-bench-{uuid.uuid4().hex[:8]}"
        self.stack.sweep_queue = f"{self.stack.queue}-sweep"
        self.stack.manage(
            "shell",
            "-c",
            "from summaries.models import Submission\n"
            "Submission.objects.exclude(status__in=['sent', 'failed', 'unconfirmed'])"
            ".update(status='failed', last_error='left over by the previous benchmark')\n",
        )
        with self.sink.lock:
            self.sink.accepted.clear()
        self._scanned.clear()

    def queue_backlog(self, count: int, tag: str) -> None:
        """Accept `count` submissions through the product's own intake, each published to the broker."""
        self.stack.manage(
            "shell",
            "-c",
            "from summaries.services.intake import accept_submission\n"
            f"answers = {VALID_ANSWERS!r}\n"
            f"for i in range({count}):\n"
            f"    accept_submission({{**answers, 'email': f'{tag}-{{i}}@example.com'}})\n",
        )

    def first_claim_time(self, tag: str) -> float:
        """When the first of the tagged submissions was claimed for rendering (a Unix time)."""
        output = self.stack.manage(
            "shell",
            "-c",
            "import json\n"
            "from django.db.models import Min\n"
            "from summaries.models import SubmissionEvent\n"
            "first = SubmissionEvent.objects.filter(status='rendering', "
            f"submission__email__startswith='{tag}-').aggregate(at=Min('at'))['at']\n"
            "print(json.dumps(first.timestamp()))\n",
        )
        return json.loads(output.strip().splitlines()[-1])

    def _accepted(self, matches) -> list[float]:
        """Unix times at which the sink accepted the messages whose recipient matches."""
        # The sink stamps with time.monotonic(); the benchmarks compare with Unix times.
        to_unix = time.time() - time.monotonic()
        with self.sink.lock:
            new = self.sink.accepted[len(self._scanned) :]
        self._scanned.extend((",".join(item.recipients), item.at) for item in new)
        return [at + to_unix for to, at in self._scanned if matches(to)]

    def delivered(self, tag: str) -> list[float]:
        """Acceptance times of the emails sent to tagged addresses."""
        return self._accepted(lambda to: to.startswith(f"{tag}-"))

    def accepted_at(self, address: str) -> float | None:
        times = self._accepted(lambda to: to == address)
        return times[0] if times else None

    def wait_delivered(self, tag: str, count: int, timeout: float) -> list[float]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            times = self.delivered(tag)
            if len(times) >= count:
                return times
            time.sleep(0.05)
        raise RuntimeError(f"only {len(self.delivered(tag))} of {count} '{tag}' emails arrived in {timeout:.0f}s")

    def recipients(self, tag: str) -> list[str]:
        with self.sink.lock:
            accepted = list(self.sink.accepted)
        return [to for to in (",".join(item.recipients) for item in accepted) if to.startswith(f"{tag}-")]


@contextmanager
def environment(backend: Backend, **stack_env):
    """A prepared (migrated) Stack and a running SMTP sink; every process is stopped afterwards."""
    with ExitStack() as cleanup:
        root = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="bench-")))
        database_url = cleanup.enter_context(new_postgres_database()) if backend.database == "postgres" else None
        sink = SmtpSink().start()
        cleanup.callback(sink.stop)
        stack = Stack(
            root=root / "stack",
            broker_url=REDIS_URL if backend.broker == "redis" else "filesystem://",
            database_url=database_url,
            smtp_port=sink.port,
            extra_env={**BENCH_ENV, **stack_env},
        )
        cleanup.callback(stack.stop)
        stack.prepare()
        yield Environment(stack, sink)


def run_probe(stack: Stack, *args: str, timeout: float = 600, module: str = "bench.render_probe") -> dict:
    """Run a probe (bench/render_probe.py unless told) in a fresh process configured like the stack's worker."""
    result = subprocess.run(
        [str(BIN / "python"), "-m", module, *args],
        cwd=REPO,
        env=stack.env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{module} {args} failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def fill_history(stack: Stack, count: int) -> dict:
    """Give the stack's database `count` past submissions (bench/history.py)."""
    return run_probe(stack, "fill", str(count), timeout=6 * 3600, module="bench.history")
