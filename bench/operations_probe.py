"""Timing what runs on a schedule or for an operator, in one process configured like the Stack's.

    python -m bench.operations_probe ROUNDS

Each round runs every operation once, in turn: a relay tick, a sweep, a worker's heartbeat,
/healthz, a status page and its JSON, the metrics scrape, the admin's submission list
(unfiltered, filtered by status, searched by an address), its pipeline overview, and a
retention run. Pages go through
Django's test client (views, queries and templates, without gunicorn in front). The status
page and the search pick a different past submission each round. A database with fewer than a
page of sent and a page of failed submissions gets them first, so that both render the same
number of rows. Prints one JSON line: each
operation's times in seconds.
"""

import json
import os
import random
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
# The metrics scrape is one of the operations: with no token, /metrics answers 404.
METRICS_TOKEN = os.environ.setdefault("METRICS_TOKEN", "bench-operations")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from summaries.models import Submission  # noqa: E402
from summaries.services.heartbeats import record_heartbeat  # noqa: E402
from summaries.services.relay import publish_new_submissions  # noqa: E402
from summaries.services.retention import delete_expired_submissions  # noqa: E402
from summaries.services.sweep import sweep_stalled_submissions  # noqa: E402
from summaries.tests.staff_login import log_in_with_two_factors  # noqa: E402

HOST = {"HTTP_HOST": "127.0.0.1"}


def _get(client: Client, path: str, headers: dict | None = None, **params) -> None:
    response = client.get(path, params, headers=headers, **HOST)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} {params} answered {response.status_code}")


def one_page() -> None:
    """A page of sent and one of failed submissions, so that an empty database's list (plain and
    filtered by status) renders as many rows as a full one's."""
    for status in ("sent", "failed"):
        missing = 101 - Submission.objects.filter(status=status).count()
        Submission.objects.bulk_create(
            Submission(
                email=f"page-{status}{i}@example.com", name="Page", about="-", hobby="-", color="Red", status=status
            )
            for i in range(max(missing, 0))
        )


def samples(count: int) -> list[tuple[str, str]]:
    """(token, email) of `count` submissions picked at random over the whole table."""
    one_page()
    top = Submission.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    picked = []
    rng = random.Random(3)
    while len(picked) < count:
        row = (
            Submission.objects.filter(pk__gte=rng.randint(1, max(top, 1)))
            .order_by("pk")
            .values_list("token", "email")
            .first()
        )
        picked.append(row)
    return picked


def main(rounds: int) -> dict:
    started_at = timezone.now()
    user, _ = get_user_model().objects.get_or_create(
        username="bench-operator", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    # Staff pages need the second factor too: a session that has passed both steps.
    log_in_with_two_factors(client, user)
    picks = samples(rounds + 1)
    operations = {
        "relay tick": lambda i: publish_new_submissions(),
        "sweep": lambda i: sweep_stalled_submissions(),
        "heartbeat": lambda i: record_heartbeat("bench-probe@host", pid=os.getpid(), started_at=started_at),
        "/healthz": lambda i: _get(client, "/healthz"),
        "status page": lambda i: _get(client, f"/s/{picks[i][0]}/"),
        "status json": lambda i: _get(client, f"/s/{picks[i][0]}/status.json"),
        "metrics scrape": lambda i: _get(client, "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}),
        "admin list": lambda i: _get(client, "/admin/summaries/submission/"),
        "admin list by status": lambda i: _get(client, "/admin/summaries/submission/", status__exact="failed"),
        "admin search by email": lambda i: _get(client, "/admin/summaries/submission/", q=picks[i][1]),
        "pipeline overview": lambda i: _get(client, "/admin/summaries/submission/overview/"),
        "retention run": lambda i: delete_expired_submissions(),
    }
    # Untimed: each page once, so that templates and connections are ready.
    for operation in operations.values():
        operation(rounds)
    times = {name: [] for name in operations}
    for index in range(rounds):
        for name, operation in operations.items():
            started = time.perf_counter()
            operation(index)
            times[name].append(time.perf_counter() - started)
    return times


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
