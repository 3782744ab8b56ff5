"""7. What runs on a schedule or for an operator: relay tick, sweep, heartbeat, /healthz, the
status page, the admin's list, search and overview, a retention run.

No baseline of its own: with `--history N` the same operations on an empty database are the
baseline (bench/__main__.py). The timings come from bench/operations_probe.py, in a process
configured like the Stack's; the median of the rounds is reported.
"""

from bench.environment import Environment, run_probe
from bench.report import Row, median


def run(env: Environment, quick: bool) -> list[Row]:
    rounds = 3 if quick else 15
    times = run_probe(env.stack, str(rounds), module="bench.operations_probe")
    return [
        Row("operations", name, median(samples) * 1000, note=f"median of {rounds}") for name, samples in times.items()
    ]
