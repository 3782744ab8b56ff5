"""3. Throughput: a queued backlog to every email accepted by the SMTP sink, with N worker processes.

The floor is N processes doing nothing but our render of the same PDF in a loop, started
together. Product and floor runs alternate; each product run queues its backlog with the
worker stopped, then starts a worker with --concurrency=N and times from the first claim
to the last email accepted.
"""

import json
import subprocess
import uuid

from bench.environment import Environment
from bench.report import Row
from tests.integration.stack import BIN, REPO


def _floor_rate(env: Environment, processes: int, jobs: int) -> float:
    share = jobs // processes
    probes = [
        subprocess.Popen(
            [str(BIN / "python"), "-m", "bench.render_probe", "loop", str(share)],
            cwd=REPO,
            env=env.stack.env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    for probe in probes:
        if probe.stdout.readline().strip() != "ready":
            raise RuntimeError("a render loop probe did not start")
    for probe in probes:
        probe.stdin.write("go\n")
        probe.stdin.flush()
    results = []
    for probe in probes:
        output, _ = probe.communicate(timeout=900)
        if probe.returncode != 0:
            raise RuntimeError("render loop probe failed")
        results.append(json.loads(output.strip().splitlines()[-1]))
    return share * processes / (max(r["finished"] for r in results) - min(r["started"] for r in results))


def _product_rate(env: Environment, processes: int, jobs: int) -> float:
    tag = f"tp{uuid.uuid4().hex[:8]}"
    env.queue_backlog(jobs, tag)
    worker = env.stack.start_worker(f"worker-{tag}", concurrency=processes)
    try:
        delivered = env.wait_delivered(tag, jobs, timeout=60 + jobs * 2)
    finally:
        worker.stop()
    return jobs / (max(delivered) - env.first_claim_time(tag))


def run(env: Environment, quick: bool) -> list[Row]:
    jobs = 10 if quick else 500
    rounds = 1 if quick else 2
    rows = []
    for processes in (1, 2):
        product, floor = [], []
        for round_index in range(rounds):
            if round_index % 2 == 0:
                floor.append(_floor_rate(env, processes, jobs))
                product.append(_product_rate(env, processes, jobs))
            else:
                product.append(_product_rate(env, processes, jobs))
                floor.append(_floor_rate(env, processes, jobs))
        rows.append(
            Row(
                "throughput",
                f"jobs/s, N={processes}",
                sum(product) / rounds,
                sum(floor) / rounds,
                unit="jobs/s",
                goal=">= 0.7",
                note=f"backlog of {jobs}, mean of {rounds}; floor: N render loops",
            )
        )
    return rows
