"""1. Submit latency through gunicorn while the workers chew a backlog, against a bare view.

The bare view (bench/floor/) inserts the same row and redirects; it is served by the same
gunicorn, same settings and middleware, so both see the same machine. Blocks of product and
floor requests alternate (order swapped every round) rather than mixing in one queue, so
that at 32 clients neither one's queueing hides in the other's.
"""

import uuid

from bench import loadgen
from bench.environment import Environment
from bench.report import Row, percentile

LOADS = {1: (5, 50), 32: (1, 10)}  # clients: (requests per client per block) quick, full


def run(env: Environment, quick: bool) -> list[Row]:
    rows = []
    rounds = 1 if quick else 6
    backlog = 40 if quick else 1500
    stack = env.stack
    stack.start_web(DJANGO_SETTINGS_MODULE="bench.floor.settings")
    stack.start_worker("worker", concurrency=2)
    stack.start_beat()
    env.queue_backlog(backlog, "backlog")
    for clients, (quick_count, full_count) in LOADS.items():
        per_client = quick_count if quick else full_count
        pool = [loadgen.Client(stack.web_port) for _ in range(clients)]
        # Not timed: a few requests so that each gunicorn worker has served both paths once.
        for path in ("/", "/floor/"):
            loadgen.run(pool[:4], 2, path, lambda c, i, p=path: f"warm{c}x{i}{len(p)}@example.com")
        latencies = {"/": [], "/floor/": []}
        failures = []
        for round_index in range(rounds):
            paths = ["/", "/floor/"] if round_index % 2 == 0 else ["/floor/", "/"]
            for path in paths:
                tag = uuid.uuid4().hex[:8]
                outcome = loadgen.run(pool, per_client, path, lambda c, i, t=tag: f"s{t}{c}x{i}@example.com")
                latencies[path].extend(outcome.latencies)
                failures.extend(outcome.failures)
        left = backlog - len(env.delivered("backlog"))
        note = f"{len(latencies['/'])} each; backlog left {left}/{backlog}"
        if failures:
            note += f"; {len(failures)} failed: {sorted(set(failures))[:3]}"
        for pct, goal in ((50, "<= 1.5"), (99, "<= 2.0")):
            rows.append(
                Row(
                    "submit",
                    f"p{pct} at {clients} client{'s' if clients > 1 else ''}",
                    percentile(latencies["/"], pct) * 1000,
                    percentile(latencies["/floor/"], pct) * 1000,
                    goal=goal,
                    note=note if pct == 50 else "vs bare insert+redirect view",
                )
            )
    return rows
