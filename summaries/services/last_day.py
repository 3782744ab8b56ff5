"""The pipeline's last 24 hours, hour by hour: received, sent, failed, and how long people waited.

Each hour is read from its own rows only, through an index on the time that places a row in it:
received by created_at, sent (with the waits) by sent_at, failed by updated_at in an index of
failed rows only (models.py). At 30,000 submissions a day, reading the whole day on every view
of the page would cost many times the page itself (docs/growth.md). But rows are received, sent
and failed at "now": an hour that has ended gets no more of them. So an hour is read once,
SETTLED_AFTER past its end, and that reading is kept in Django's cache (one copy per process
with the default local-memory cache) until the hour leaves the chart. The current hour is read
on every view, and so is the one before until it is settled.

How stale a finished hour may be: it shows its rows as they were when it was settled, for as
long as it is on the chart. A failed submission retried or erased later still counts as failed
in its hour; a row stamped with a time in that hour but committed after it was settled (a
transaction open that long, or a host whose clock runs that far behind) is left out of it.

The day's waits are merged from each hour's waits rounded to the nearest tenth of a second, a
count per tenth kept with the hour: the day's median and 95th percentile are each within 0.05 s
of the exact one (the page shows tenths). An hour's own median and 95th percentile are exact.
"""

import logging
import math
import statistics
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate

from django.core.cache import cache
from django.db.models import DurationField, ExpressionWrapper, F
from django.utils import timezone

from summaries.models import Submission, SubmissionStatus

logger = logging.getLogger("summaries.last_day")

HOURS = 24
HOUR = timedelta(hours=1)
# Long enough for a transaction that stamped a row just before the hour ended to have committed.
SETTLED_AFTER = timedelta(minutes=5)
# Version the key whenever what is kept changes: a shared cache may hold the previous release's.
CACHE_KEY = "summaries:last-day:v1:{:%Y-%m-%dT%H}"
# Longer than a settled hour stays on the chart.
KEPT_SECONDS = (HOURS + 1) * 3600


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


@dataclass(frozen=True)
class _Reading:
    hour: Hour
    # How many of the hour's waits round to each number of tenths of a second.
    waits_in_tenths: Counter[int]


def nearest_rank(count: int, fraction: float) -> int:
    """The 1-based rank of the nearest-rank percentile among `count` values."""
    return max(math.ceil(fraction * count), 1)


def percentile(ordered: list[float], fraction: float) -> float:
    """The nearest-rank percentile of values sorted in ascending order."""
    return ordered[nearest_rank(len(ordered), fraction) - 1]


def _seconds_waited(start: datetime, end: datetime) -> list[float]:
    """The waits of the emails sent in [start, end), in ascending order."""
    waited = ExpressionWrapper(F("sent_at") - F("created_at"), output_field=DurationField())
    # One duration a row: converting its two timestamps instead costs ten times as much.
    durations = (
        Submission.objects.filter(sent_at__gte=start, sent_at__lt=end)
        .order_by()
        .annotate(waited=waited)
        .values_list("waited", flat=True)
    )
    return sorted(max(duration.total_seconds(), 0.0) for duration in durations)


def _nearest_tenth(seconds: float) -> int:
    return math.floor(seconds * 10 + 0.5)


def _read(start: datetime) -> _Reading:
    end = start + HOUR
    waits = _seconds_waited(start, end)
    hour = Hour(
        start=start,
        received=Submission.objects.filter(created_at__gte=start, created_at__lt=end).count(),
        sent=len(waits),
        # A failed row's last change is its failure.
        failed=Submission.objects.filter(
            status=SubmissionStatus.FAILED, updated_at__gte=start, updated_at__lt=end
        ).count(),
        median_wait=statistics.median(waits) if waits else None,
        p95_wait=percentile(waits, 0.95) if waits else None,
    )
    return _Reading(hour, Counter(_nearest_tenth(wait) for wait in waits))


def _kept(reading: _Reading) -> tuple:
    # Built-in types only, so that what a shared cache holds does not depend on these classes.
    hour = reading.hour
    return (hour.received, hour.sent, hour.failed, hour.median_wait, hour.p95_wait, dict(reading.waits_in_tenths))


def _from_kept(start: datetime, kept: tuple) -> _Reading:
    received, sent, failed, median_wait, p95_wait, waits_in_tenths = kept
    return _Reading(Hour(start, received, sent, failed, median_wait, p95_wait), Counter(waits_in_tenths))


def _finished_hours(starts: list[datetime]) -> dict[datetime, _Reading]:
    """The readings of finished hours: from the cache, or read now and kept."""
    keys = {CACHE_KEY.format(start): start for start in starts}
    try:
        kept = cache.get_many(keys)
    except Exception as exc:  # noqa: BLE001 - a shared cache that is down (CACHE_URL) costs speed, not the page
        logger.warning("last day: the cache cannot be read (%s); reading every hour", type(exc).__name__)
        kept = {}
    readings = {keys[key]: _from_kept(keys[key], value) for key, value in kept.items()}
    missing = {key: _read(start) for key, start in keys.items() if key not in kept}
    if missing:
        try:
            cache.set_many({key: _kept(reading) for key, reading in missing.items()}, timeout=KEPT_SECONDS)
        except Exception as exc:  # noqa: BLE001 - as above
            logger.warning("last day: the cache cannot be written (%s)", type(exc).__name__)
    return readings | {reading.hour.start: reading for reading in missing.values()}


def _value_at_rank(waits_in_tenths: Counter[int], rank: int) -> float:
    """The `rank`-th smallest wait (1-based), in seconds."""
    ordered = sorted(waits_in_tenths.items())
    reached = list(accumulate(count for _tenths, count in ordered))
    return ordered[bisect_left(reached, rank)][0] / 10


def _day_waits(readings: list[_Reading]) -> tuple[float | None, float | None]:
    """The day's median and 95th percentile wait, as statistics.median and percentile() would give them."""
    merged = sum((reading.waits_in_tenths for reading in readings), Counter())
    count = merged.total()
    if not count:
        return None, None
    middle = (count + 1) // 2
    median = _value_at_rank(merged, middle)
    if count % 2 == 0:
        median = (median + _value_at_rank(merged, middle + 1)) / 2
    return median, _value_at_rank(merged, nearest_rank(count, 0.95))


def last_day_by_hour(*, now: datetime | None = None) -> LastDay:
    """The last 24 hours, the current one last, oldest first."""
    now = now or timezone.now()
    first = now.replace(minute=0, second=0, microsecond=0) - (HOURS - 1) * HOUR
    starts = [first + index * HOUR for index in range(HOURS)]
    finished = [start for start in starts if start + HOUR + SETTLED_AFTER <= now]
    readings = _finished_hours(finished) | {start: _read(start) for start in starts if start not in finished}
    hours = [readings[start].hour for start in starts]
    median_wait, p95_wait = _day_waits(list(readings.values()))
    totals = Hour(
        start=first,
        received=sum(hour.received for hour in hours),
        sent=sum(hour.sent for hour in hours),
        failed=sum(hour.failed for hour in hours),
        median_wait=median_wait,
        p95_wait=p95_wait,
    )
    return LastDay(hours, totals)
