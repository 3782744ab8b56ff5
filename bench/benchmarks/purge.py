"""8. Submit latency while the retention job purges a large backlog, against the same submits just before.

The stack's database gets `count` past submissions (bench/history.py), all moved past
RETENTION_DAYS; one client posts the form one request at a time, first with nothing else
running, then while a retention run (in its own process, as beat's task would run it) deletes
them all. On SQLite every submit needs the one write lock the purge's batches take in turn.
"""

import subprocess
import time
import uuid

from bench import loadgen
from bench.environment import Environment, fill_history
from bench.report import Row, percentile
from tests.integration.stack import BIN, REPO

EXPIRE = (
    "from datetime import timedelta\n"
    "from django.conf import settings\n"
    "from django.db.models import F\n"
    "from summaries.models import Submission\n"
    "Submission.objects.update(created_at=F('created_at') - timedelta(days=settings.RETENTION_DAYS + 1))\n"
)
PURGE = (
    "from summaries.services.retention import delete_expired_submissions\n"
    "print('deleted', delete_expired_submissions())\n"
)


def _posts_until(client: loadgen.Client, done, tag: str) -> list[float]:
    latencies = []
    while not done():
        latency, failure = client.post("/", f"{tag}{uuid.uuid4().hex[:8]}@example.com")
        if failure:
            raise RuntimeError(f"submit failed during the purge benchmark: {failure}")
        latencies.append(latency)
    return latencies


def run(env: Environment, quick: bool) -> list[Row]:
    count = 2_000 if quick else 100_000
    stack = env.stack
    filled = fill_history(stack, count)
    stack.manage("shell", "-c", EXPIRE)
    stack.start_web()
    client = loadgen.Client(stack.web_port)
    before_end = time.monotonic() + (5 if quick else 30)
    before = _posts_until(client, lambda: time.monotonic() > before_end, "before")
    purge = subprocess.Popen(
        [str(BIN / "python"), "manage.py", "shell", "-c", PURGE],
        cwd=REPO,
        env=stack.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    started = time.monotonic()
    during = _posts_until(client, lambda: purge.poll() is not None, "during")
    took = time.monotonic() - started
    output, errors = purge.communicate()
    if purge.returncode != 0:
        raise RuntimeError(f"the purge failed:\n{errors[-3000:]}")
    reported = output.strip().splitlines()[-1] if output.strip() else "no output"
    note = f"{filled['submissions']:,} rows purged in {took:.0f} s ({reported}); {len(during)} submits during"
    return [
        Row(
            "purge",
            "submit p50 during a purge",
            percentile(during, 50) * 1000,
            percentile(before, 50) * 1000,
            goal="<= 1.2",
            note=note,
        ),
        Row(
            "purge",
            "submit p99 during a purge",
            percentile(during, 99) * 1000,
            percentile(before, 99) * 1000,
            goal="<= 1.2",
            note=f"{len(before)} submits before, 1 client",
        ),
    ]
