"""4. End-to-end latency on an idle system: POST of the form to the email accepted by SMTP.

The goal is against this machine's render time, measured just before in a worker-like process.
"""

import random
import time
import uuid

from bench import loadgen
from bench.environment import Environment, run_probe
from bench.report import Row, median, percentile


def run(env: Environment, quick: bool) -> list[Row]:
    count = 5 if quick else 60
    stack = env.stack
    stack.start_web()
    stack.start_worker("worker", concurrency=2)
    stack.start_beat()
    render_ms = median(run_probe(stack, "compare", "5" if quick else "20")["product"]) * 1000
    client = loadgen.Client(stack.web_port)
    tag = uuid.uuid4().hex[:8]
    latencies = []
    for index in range(count):
        address = f"e2e{tag}x{index}@example.com"
        posted = time.time()
        _, failure = client.post("/", address)
        if failure:
            raise RuntimeError(f"submit failed: {failure}")
        deadline = time.monotonic() + 60
        while (accepted := env.accepted_at(address)) is None:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{address} was not delivered in 60 s")
            time.sleep(0.002)
        latencies.append((accepted - posted) * 1000)
        # Idle between submissions, at no fixed phase to the broker's polling.
        time.sleep(random.uniform(0.3, 0.6))
    budget = 2 * render_ms + 50
    return [
        Row(
            "e2e",
            "p50, idle",
            percentile(latencies, 50),
            budget,
            goal="<= 1.0",
            note=f"budget 2 x render {render_ms:.1f} ms + 50",
        ),
        Row("e2e", "p99, idle", percentile(latencies, 99), budget, note=f"{count} submissions, one at a time"),
    ]
