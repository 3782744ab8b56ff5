"""What /metrics reads from the database when scraped: the pipeline's state, the same on every machine.

A handful of indexed reads whose cost does not grow with the table (scrape_queries; checked on
PostgreSQL with a million rows by tests/integration/test_metrics_scrape_plans.py): the counts of
the rows still in the pipeline, by status (the finished ones, sent, failed, suppressed, bounced or
erased, pile up with the history kept: a month holds some 25,000 failed rows among a million, so
they are counted as they happen by aboutme_state_changes_total instead, as are the ones left
waiting for a confirmation), the oldest waiting and the oldest unpublished row, and the live
heartbeats.
"""

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from summaries.models import ACTIVE_STATUSES, Submission, WorkerHeartbeat, due
from summaries.services.overview import UNFINISHED_STATUSES

# The pipeline's statuses only: the rows a scrape counts one by one stay few, however long the history.
COUNTED_STATUSES = ACTIVE_STATUSES


def scrape_queries(now: datetime) -> dict[str, QuerySet]:
    """Every query a scrape runs, by the metric it feeds."""
    heartbeat_cutoff = now - timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS)
    return {
        "aboutme_submissions": Submission.objects.filter(status__in=COUNTED_STATUSES)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk")),
        "aboutme_oldest_waiting_seconds": oldest_created_at(Submission.objects.filter(status__in=UNFINISHED_STATUSES)),
        "aboutme_relay_lag_seconds": oldest_created_at(Submission.objects.filter(due(now), enqueued_at__isnull=True)),
        "aboutme_live_workers": WorkerHeartbeat.objects.filter(beat_at__gte=heartbeat_cutoff).values_list("pk"),
    }


def oldest_created_at(rows: QuerySet) -> QuerySet:
    return rows.order_by("created_at").values_list("created_at", flat=True)[:1]


def _age_seconds(oldest: QuerySet, *, now: datetime) -> float:
    created_at = next(iter(oldest), None)
    return max((now - created_at).total_seconds(), 0.0) if created_at else 0.0


class PipelineStateCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = timezone.now()
        queries = scrape_queries(now)
        counted = dict(queries["aboutme_submissions"])
        by_status = GaugeMetricFamily(
            "aboutme_submissions", "Submissions now in each status of the pipeline.", labels=["status"]
        )
        for status in COUNTED_STATUSES:
            by_status.add_metric([status], counted.get(status, 0))
        yield by_status
        yield GaugeMetricFamily(
            "aboutme_oldest_waiting_seconds",
            "Age of the oldest unfinished submission (0 when none).",
            value=_age_seconds(queries["aboutme_oldest_waiting_seconds"], now=now),
        )
        yield GaugeMetricFamily(
            "aboutme_relay_lag_seconds",
            "Age of the oldest due submission with no message out: how far the relays are behind.",
            value=_age_seconds(queries["aboutme_relay_lag_seconds"], now=now),
        )
        yield GaugeMetricFamily(
            "aboutme_live_workers",
            "Workers with a recent heartbeat.",
            value=queries["aboutme_live_workers"].count(),
        )
