"""`make bench`: run the benchmarks, print the results table, optionally save it as JSON.

python -m bench [--quick] [--only NAME ...] [--broker embedded|redis] [--database sqlite|postgres]
python -m bench --soak [--minutes 30]    (the chaos soak, bench/soak.py)
"""

import argparse
import os
import platform
import sys
import time
from pathlib import Path

from bench.benchmarks import burst, e2e_latency, languages, memory, render, submit_latency, throughput
from bench.environment import Backend, environment
from bench.report import Row, table, to_json

BENCHMARKS = {
    "render": render.run,
    "submit": submit_latency.run,
    "throughput": throughput.run,
    "e2e": e2e_latency.run,
    "memory": memory.run,
    "burst": burst.run,
    "languages": languages.run,
}


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
    options = parser.parse_args(argv)
    if options.soak:
        from bench import soak

        print(soak.run(options.minutes), flush=True)
        return 0

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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
