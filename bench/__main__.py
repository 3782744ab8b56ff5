"""`make bench`: run the benchmarks, print the results table, optionally save it as JSON.

python -m bench [--quick] [--only NAME ...] [--broker embedded|redis] [--database sqlite|postgres] [--history N]
python -m bench --soak [--minutes 30]    (the chaos soak, bench/soak.py)

With --history N, every benchmark runs twice in the same run: on an empty database, and on one
holding N past submissions (bench/history.py); the table compares the second with the first.
"""

import argparse
import os
import platform
import sys
import time
from pathlib import Path

from bench.benchmarks import (
    burst,
    e2e_latency,
    languages,
    memory,
    operations,
    purge,
    render,
    submit_latency,
    throughput,
)
from bench.environment import Backend, environment, fill_history
from bench.report import Row, table, to_json

BENCHMARKS = {
    "render": render.run,
    "submit": submit_latency.run,
    "throughput": throughput.run,
    "e2e": e2e_latency.run,
    "memory": memory.run,
    "burst": burst.run,
    "languages": languages.run,
    "operations": operations.run,
    "purge": purge.run,
}
# With --history: how much slower (or, for a rate, how much less) the full database may be.
HISTORY_GOAL = "<= 1.2"
HISTORY_RATE_GOAL = ">= 0.83"


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    import weasyprint
    from weasyprint.text.ffi import harfbuzz_subset

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "weasyprint": weasyprint.__version__,
        "harfbuzz_subset": harfbuzz_subset is not None,
        "load_average": os.getloadavg(),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small counts: a smoke run of a minute or two")
    parser.add_argument("--only", action="append", choices=sorted(BENCHMARKS), help="run only this (repeatable)")
    parser.add_argument("--broker", choices=["embedded", "redis"], default="embedded")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--soak", action="store_true", help="the chaos soak on Redis + PostgreSQL instead")
    parser.add_argument("--minutes", type=float, default=30, help="how long the soak submits (default 30)")
    parser.add_argument(
        "--history", type=int, metavar="N", help="compare an empty database with one of N past submissions"
    )
    options = parser.parse_args(argv)
    if options.soak:
        from bench import soak

        print(soak.run(options.minutes), flush=True)
        return 0
    if options.history:
        return main_with_history(options, argv)

    backend = Backend(options.broker, options.database)
    command = " ".join(["python -m bench", *argv])
    context = {**machine(), "backend": backend.label, "quick": options.quick, "command": command}
    print(" ".join(f"{key}={value}" for key, value in context.items()), flush=True)
    rows: list[Row] = []
    # One prepared stack for the whole run; each benchmark starts the processes it needs.
    with environment(backend) as env:
        for name in options.only or BENCHMARKS:
            started = time.monotonic()
            print(f"-- {name} ...", flush=True)
            env.reset()
            new_rows = BENCHMARKS[name](env, options.quick)
            rows += new_rows
            print(table(new_rows), f"\n   ({time.monotonic() - started:.0f} s)", flush=True)
    context["load_average_after"] = os.getloadavg()
    print(f"\n== {backend.label}{' (quick)' if options.quick else ''}\n{table(rows)}")
    if options.json:
        options.json.write_text(to_json(rows, context))
    return 1 if any(row.met is False for row in rows) and not options.quick else 0


def run_one(name: str, env, quick: bool, label: str) -> list[Row]:
    started = time.monotonic()
    print(f"-- {name} ({label}) ...", flush=True)
    env.reset()
    rows = BENCHMARKS[name](env, quick)
    print(table(rows), f"\n   ({time.monotonic() - started:.0f} s)", flush=True)
    return rows


def against_empty(full: list[Row], empty: list[Row], history: int) -> list[Row]:
    """Each figure on the full database, with the same figure on the empty one as its baseline."""
    baseline = {(row.benchmark, row.metric): row for row in empty}
    rows = []
    for row in full:
        before = baseline.get((row.benchmark, row.metric))
        if before is None:
            continue
        goal = HISTORY_RATE_GOAL if row.unit == "jobs/s" else HISTORY_GOAL
        note = f"{history:,} past vs empty"
        rows.append(Row(row.benchmark, row.metric, row.product, before.product, unit=row.unit, goal=goal, note=note))
    return rows


def main_with_history(options, argv: list[str]) -> int:
    """Two stacks side by side, one filled; each benchmark runs on both, alternating which goes first."""
    backend = Backend(options.broker, options.database)
    command = " ".join(["python -m bench", *argv])
    context = {**machine(), "backend": backend.label, "quick": options.quick, "command": command}
    print(" ".join(f"{key}={value}" for key, value in context.items()), flush=True)
    rows: list[Row] = []
    with environment(backend) as empty, environment(backend) as full:
        print(f"-- filling {options.history:,} past submissions ...", flush=True)
        context["history"] = fill_history(full.stack, options.history)
        print(context["history"], flush=True)
        for index, name in enumerate(options.only or BENCHMARKS):
            order = [("empty", empty), ("full", full)]
            results = dict(
                (label, run_one(name, env, options.quick, label)) for label, env in order[:: 1 - 2 * (index % 2)]
            )
            rows += against_empty(results["full"], results["empty"], options.history)
    context["load_average_after"] = os.getloadavg()
    print(f"\n== {backend.label}, {options.history:,} past submissions vs empty\n{table(rows)}")
    if options.json:
        options.json.write_text(to_json(rows, context))
    return 1 if any(row.met is False for row in rows) and not options.quick else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
