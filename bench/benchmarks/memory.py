"""5. Memory: each worker child's peak RSS over a long backlog, against its RSS once warm.

One worker with --concurrency=1, so that every job runs in the one live child; the children
are replaced after WORKER_MAX_TASKS_PER_CHILD tasks, which is what bounds their memory.
"""

import time
from dataclasses import dataclass
from pathlib import Path

from bench.environment import Environment
from bench.report import Row

# RSS "once warm" is read when the child has done this many jobs (fewer in a quick run).
WARM_AFTER_JOBS = 50
QUICK_WARM_AFTER_JOBS = 5


@dataclass
class Child:
    pid: int
    first_count: int
    warm_rss: float | None = None
    peak: float = 0.0
    last_count: int = 0


def _children(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return children


def _memory_mib(pid: int) -> tuple[float, float] | None:
    """(VmRSS, VmHWM) in MiB; VmHWM is the peak RSS the kernel saw for the process."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    try:
        return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024
    except KeyError:
        return None


def run(env: Environment, quick: bool) -> list[Row]:
    jobs = 30 if quick else 2000
    warm_after = QUICK_WARM_AFTER_JOBS if quick else WARM_AFTER_JOBS
    children: dict[int, Child] = {}
    env.queue_backlog(jobs, "mem")
    worker = env.stack.start_worker("worker", concurrency=1)
    max_tasks = env.stack.env().get("WORKER_MAX_TASKS_PER_CHILD", "1000 (default)")
    deadline = time.monotonic() + 120 + jobs
    while time.monotonic() < deadline:
        count = len(env.delivered("mem"))
        for pid in _children(worker.popen.pid):
            memory = _memory_mib(pid)
            if memory is None:
                continue
            child = children.setdefault(pid, Child(pid, count))
            child.peak = max(child.peak, memory[1])
            child.last_count = count
            if child.warm_rss is None and count - child.first_count >= warm_after:
                child.warm_rss = memory[0]
        if count >= jobs:
            break
        time.sleep(0.2)
    else:
        raise RuntimeError(f"only {count} of {jobs} jobs done")
    rows = []
    for index, child in enumerate(c for c in children.values() if c.warm_rss is not None):
        rows.append(
            Row(
                "memory",
                f"child {index + 1} peak RSS vs warm",
                child.peak,
                child.warm_rss,
                unit="MiB",
                goal="<= 1.1",
                note=f"~{child.last_count - child.first_count} jobs; WORKER_MAX_TASKS_PER_CHILD={max_tasks}",
            )
        )
    return rows
