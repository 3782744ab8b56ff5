"""What /metrics reads from the database when scraped: the pipeline's state, the same on every machine.

Only a handful of indexed reads whose cost does not grow with the table: counts of the rows
that are not sent (the sent ones, the bulk of a million rows, are counted by
aboutme_state_changes_total{status="sent"} instead), the oldest waiting and the oldest unpublished
row (walking the created_at index from its oldest end), and the live heartbeats.
"""

from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from summaries.models import Submission, SubmissionStatus, WorkerHeartbeat, due
from summaries.services.overview import UNFINISHED_STATUSES

# Every status but sent: the rows a scrape counts one by one stay few.
COUNTED_STATUSES = tuple(status for status in SubmissionStatus.values if status != SubmissionStatus.SENT)


def unsent_counts() -> dict[str, int]:
    counted = dict(
        Submission.objects.filter(status__in=COUNTED_STATUSES).order_by().values_list("status").annotate(n=Count("pk"))
    )
    return {status: counted.get(status, 0) for status in COUNTED_STATUSES}


def oldest_age_seconds(rows, *, now) -> float:
    created_at = rows.order_by("created_at").values_list("created_at", flat=True).first()
    return max((now - created_at).total_seconds(), 0.0) if created_at else 0.0


def live_workers(*, now) -> int:
    cutoff = now - timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS)
    return WorkerHeartbeat.objects.filter(beat_at__gte=cutoff).count()


class PipelineStateCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = timezone.now()
        by_status = GaugeMetricFamily(
            "aboutme_submissions", "Submissions now in each status (all but sent).", labels=["status"]
        )
        for status, count in unsent_counts().items():
            by_status.add_metric([status], count)
        yield by_status
        yield GaugeMetricFamily(
            "aboutme_oldest_waiting_seconds",
            "Age of the oldest unfinished submission (0 when none).",
            value=oldest_age_seconds(Submission.objects.filter(status__in=UNFINISHED_STATUSES), now=now),
        )
        yield GaugeMetricFamily(
            "aboutme_relay_lag_seconds",
            "Age of the oldest due submission with no message out: how far the relays are behind.",
            value=oldest_age_seconds(Submission.objects.filter(due(now), enqueued_at__isnull=True), now=now),
        )
        yield GaugeMetricFamily("aboutme_live_workers", "Workers with a recent heartbeat.", value=live_workers(now=now))
