"""2. Rendering: our render path against stock WeasyPrint on the same HTML and PDF variant, in one
process; and what tagging and archiving cost, against our render path writing an untagged PDF.

Also a fresh worker-like process's first job against its tenth, with the warm-up that runs
on worker_process_init and without it.
"""

from bench.environment import Environment, run_probe
from bench.report import Row, median
from tests.integration.stack import Stack


def _first_and_tenth(stack: Stack, mode: str, processes: int) -> tuple[float, float, float, float]:
    """Medians over fresh processes: first job's time, tenth job's time (ms), and their page faults."""
    runs = [run_probe(stack, "first-jobs", mode) for _ in range(processes)]
    return (
        median([run["times"][0] for run in runs]) * 1000,
        median([run["times"][9] for run in runs]) * 1000,
        median([run["faults"][0] for run in runs]),
        median([run["faults"][9] for run in runs]),
    )


def run(env: Environment, quick: bool) -> list[Row]:
    # The probes render in processes of their own, configured like the stack's worker.
    pairs = run_probe(env.stack, "compare", "10" if quick else "100")
    product, stock = median(pairs["product"]) * 1000, median(pairs["stock"]) * 1000
    processes = 1 if quick else 7
    warm_first, warm_tenth, warm_first_faults, warm_tenth_faults = _first_and_tenth(env.stack, "signal", processes)
    cold_first, cold_tenth, cold_first_faults, cold_tenth_faults = _first_and_tenth(env.stack, "none", processes)
    count = len(pairs["product"])
    return [
        Row(
            "render",
            f"median of {count}, side by side",
            product,
            stock,
            goal="<= 0.7",
            note="vs stock write_pdf(), same variant",
        ),
        Row("render", "best of each", min(pairs["product"]) * 1000, min(pairs["stock"]) * 1000, goal="<= 0.7"),
        Row(
            "render",
            f"tagged PDF/A-3a + PDF/UA-1 vs untagged, median of {count}",
            product,
            median(pairs["untagged"]) * 1000,
            note="what tagging and archiving cost; no goal",
        ),
        Row(
            "render",
            "1st job vs 10th, warmed up",
            warm_first,
            warm_tenth,
            goal="<= 1.1",
            note=f"median of {processes} fresh processes; issue: no slower (10% noise)",
        ),
        Row("render", "1st job vs 10th, no warm-up", cold_first, cold_tenth, note="what the warm-up removes"),
        Row(
            "render",
            "page faults, 1st job vs 10th, warmed up",
            warm_first_faults,
            warm_tenth_faults,
            unit="",
            note="minor page faults: the load does not move them",
        ),
        Row("render", "page faults, 1st job vs 10th, no warm-up", cold_first_faults, cold_tenth_faults, unit=""),
    ]
