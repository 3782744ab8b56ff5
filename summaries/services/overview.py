"""The operator's view of the pipeline: how many submissions are where, and how long the oldest has waited."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count
from django.utils import timezone

from summaries.models import ACTIVE_STATUSES, Submission, SubmissionStatus

# Finished submissions are counted over this window: a count of the whole history would read
# every row kept (a million after a month), and even a day's is 30,000 rows at that rate.
FINISHED_COUNTED_OVER = timedelta(hours=1)

UNFINISHED_STATUSES = (
    SubmissionStatus.RECEIVED,
    SubmissionStatus.RENDERING,
    SubmissionStatus.RENDERED,
    SubmissionStatus.SENDING,
)


@dataclass(frozen=True)
class OldestWaiting:
    submission_id: int
    status: str
    created_at: datetime
    age_seconds: float


def counts_by_status(now: datetime | None = None) -> dict[str, int]:
    """Every status, in pipeline order: the unfinished submissions of any age, the others of the last hour."""
    since = (now or timezone.now()) - FINISHED_COUNTED_OVER
    by_status = Submission.objects.order_by().values_list("status").annotate(n=Count("pk"))
    finished = [status for status in SubmissionStatus.values if status not in ACTIVE_STATUSES]
    counted = dict(by_status.filter(status__in=ACTIVE_STATUSES))
    # Named statuses, not "any other": each is one range of the (status, created_at) index.
    counted.update(by_status.filter(status__in=finished, created_at__gte=since))
    return {status: counted.get(status, 0) for status in SubmissionStatus.values}


def oldest_waiting(now: datetime | None = None) -> OldestWaiting | None:
    """The unfinished submission submitted longest ago: how long the slowest person has been waiting."""
    now = now or timezone.now()
    row = (
        Submission.objects.filter(status__in=UNFINISHED_STATUSES)
        .order_by("created_at", "pk")
        .values("pk", "status", "created_at")
        .first()
    )
    if row is None:
        return None
    age = max((now - row["created_at"]).total_seconds(), 0.0)
    return OldestWaiting(row["pk"], row["status"], row["created_at"], age)
