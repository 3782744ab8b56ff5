"""What an operator needs to know about the queue of submissions, read from the database."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from summaries.models import Submission, SubmissionStatus
from summaries.services.sweep import stalled_submissions

FINISHED_STATUSES = (SubmissionStatus.SENT, SubmissionStatus.FAILED)


@dataclass(frozen=True)
class Backlog:
    counts: dict[str, int]
    oldest_unfinished: Submission | None
    oldest_unfinished_age: timedelta | None
    stalled: int


def backlog() -> Backlog:
    found = dict(Submission.objects.values_list("status").annotate(n=Count("pk")).order_by())
    counts = {status: found.get(status, 0) for status in SubmissionStatus.values}
    oldest = Submission.objects.exclude(status__in=FINISHED_STATUSES).order_by("created_at", "pk").first()
    return Backlog(
        counts=counts,
        oldest_unfinished=oldest,
        oldest_unfinished_age=timezone.now() - oldest.created_at if oldest else None,
        stalled=stalled_submissions().count(),
    )
