"""6. Burst: 1,000 submissions as fast as the web tier takes them; all delivered, none twice."""

import time
import uuid
from collections import Counter

from bench import loadgen
from bench.environment import Environment
from bench.report import Row, percentile

CLIENTS = 25


def run(env: Environment, quick: bool) -> list[Row]:
    per_client = 2 if quick else 40
    total = CLIENTS * per_client
    tag = f"b{uuid.uuid4().hex[:8]}"
    stack = env.stack
    stack.start_web()
    stack.start_worker("worker", concurrency=2)
    stack.start_beat()
    pool = [loadgen.Client(stack.web_port) for _ in range(CLIENTS)]
    outcome = loadgen.run(pool, per_client, "/", lambda c, i: f"{tag}-{c}x{i}@example.com")
    accepted = len(outcome.latencies) - len(outcome.failures)
    delivered = env.wait_delivered(tag, accepted, timeout=120 + total)
    # Anything sent twice would arrive shortly after the rest: give it the chance.
    time.sleep(3)
    copies = Counter(env.recipients(tag))
    drained_in = max(delivered) - outcome.started
    duplicates = sum(n - 1 for n in copies.values())
    submit_seconds = outcome.finished - outcome.started
    return [
        Row(
            "burst",
            f"submit rate, {CLIENTS} clients",
            total / submit_seconds,
            unit="req/s",
            note=f"{total} in {submit_seconds:.1f} s",
        ),
        Row("burst", "submit p50", percentile(outcome.latencies, 50) * 1000),
        Row("burst", "submit p99", percentile(outcome.latencies, 99) * 1000, note=f"{len(outcome.failures)} failed"),
        Row("burst", "delivered / accepted", len(copies), accepted, unit="", goal=">= 1.0"),
        Row("burst", "sent twice", duplicates, unit="", goal="<= 0"),
        Row(
            "burst",
            "drain rate",
            len(delivered) / drained_in,
            unit="jobs/s",
            note=f"first submit to last email: {drained_in:.1f} s",
        ),
    ]
