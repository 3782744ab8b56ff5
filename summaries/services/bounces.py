"""What a bounce does to its submission: the row ends `bounced` with the remote server's words,
and a permanent failure (5.x.x) puts the address on the suppression list.

A temporary failure is only recorded: a "delayed" report as a line in the history (the mail
server is still trying), a "failed" one with a 4.x.x status as `bounced` without suppressing
the address, since the mailbox may well work tomorrow.
"""

import logging

from django.db import transaction

from summaries.models import Submission, SubmissionStatus, SuppressionReason
from summaries.services.claims import end_unclaimed, record_event
from summaries.services.delivery_reports import DeliveryReport
from summaries.services.suppression import address_hash, suppress_hash

logger = logging.getLogger("summaries.bounces")

# States in which an email of the submission has gone out: the summary, or the confirmation link.
BOUNCEABLE_STATUSES = (SubmissionStatus.SENT, SubmissionStatus.UNCONFIRMED)


def record_bounce(submission_id: int, report: DeliveryReport) -> str:
    """Apply one delivery report to its submission; returns what happened, for the receiver's counts."""
    with transaction.atomic():
        row = Submission.objects.filter(pk=submission_id).values("status", "email").first()
        if row is None:
            # Deleted by the retention purge, or by the person: nothing left to mark.
            return "unknown_submission"
        if report.action == "delayed":
            record_event(submission_id, status=row["status"], detail=f"delivery delayed: {report.summary}")
            return "delayed"
        moved = end_unclaimed(
            submission_id,
            to=SubmissionStatus.BOUNCED,
            from_statuses=BOUNCEABLE_STATUSES,
            detail=report.summary,
            last_error=report.summary,
        )
        if report.permanent:
            suppress_hash(address_hash(row["email"]), reason=SuppressionReason.HARD_BOUNCE, detail=report.summary)
    outcome = "permanent" if report.permanent else "temporary"
    logger.info("submission=%s bounce %s status=%s row_changed=%s", submission_id, outcome, report.status, moved)
    return outcome
