"""The pipeline's last 24 hours, hour by hour: received, sent, failed, and how long people waited.

Read from the rows themselves: each count is one grouped query over an indexed time column
(created_at, sent_at) bounded to the day, and the waits are the day's sent rows only.
"""

import math
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count
from django.db.models.functions import TruncHour
from django.utils import timezone

from summaries.models import Submission, SubmissionStatus

HOURS = 24


@dataclass(frozen=True)
class Hour:
    start: datetime
    received: int
    sent: int
    failed: int
    # Seconds from submit to the email leaving, over the hour's sent submissions (None: none sent).
    median_wait: float | None
    p95_wait: float | None


@dataclass(frozen=True)
class LastDay:
    hours: list[Hour]
    # The whole day: the counts added up, the waits over every email sent in it.
    totals: Hour


def percentile(ordered: list[float], fraction: float) -> float:
    """The nearest-rank percentile of values sorted in ascending order."""
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def _counts_by_hour(rows, column: str) -> dict[datetime, int]:
    return dict(
        rows.annotate(hour=TruncHour(column))
        .order_by()
        .values_list("hour")
        .annotate(n=Count("pk"))
        .values_list("hour", "n")
    )


def _hour(start: datetime, *, received: int, sent: int, failed: int, waits: list[float]) -> Hour:
    ordered = sorted(waits)
    return Hour(
        start=start,
        received=received,
        sent=sent,
        failed=failed,
        median_wait=statistics.median(ordered) if ordered else None,
        p95_wait=percentile(ordered, 0.95) if ordered else None,
    )


def last_day_by_hour(*, now: datetime | None = None) -> LastDay:
    """The last 24 hours, the current one last, oldest first."""
    now = now or timezone.now()
    first = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=HOURS - 1)
    received = _counts_by_hour(Submission.objects.filter(created_at__gte=first), "created_at")
    sent_rows = Submission.objects.filter(sent_at__gte=first)
    sent = _counts_by_hour(sent_rows, "sent_at")
    # A failed row's last change is its failure.
    failed = _counts_by_hour(
        Submission.objects.filter(status=SubmissionStatus.FAILED, updated_at__gte=first), "updated_at"
    )
    waits: dict[datetime, list[float]] = {}
    for sent_at, created_at in sent_rows.order_by().values_list("sent_at", "created_at"):
        hour = sent_at.replace(minute=0, second=0, microsecond=0)
        waits.setdefault(hour, []).append(max((sent_at - created_at).total_seconds(), 0.0))
    hours = [
        _hour(
            start,
            received=received.get(start, 0),
            sent=sent.get(start, 0),
            failed=failed.get(start, 0),
            waits=waits.get(start, []),
        )
        for start in (first + timedelta(hours=index) for index in range(HOURS))
    ]
    totals = _hour(
        first,
        received=sum(hour.received for hour in hours),
        sent=sum(hour.sent for hour in hours),
        failed=sum(hour.failed for hour in hours),
        waits=[wait for hour_waits in waits.values() for wait in hour_waits],
    )
    return LastDay(hours, totals)
