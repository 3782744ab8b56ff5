"""A person's "delete my answers and PDF now": everything about them goes at once.

The row stays, as the status page's answer ("deleted") and for the counts by status, holding
only its token, status and times: the answers, the address, the PDF and any mail server's reply
(which may quote the address) are gone, in one transaction. The state change is the same kind
of conditional update as a worker's (services/claims.py), so a worker that holds the row loses
it: its next change writes nothing, a rendered PDF is not kept, and it sends nothing
(services/pipeline.py checks just before each send). The rate-limit counts keep only salted
hashes, which expire within hours.
"""

import logging

from django.core.files.storage import default_storage
from django.db import transaction

from summaries.models import Submission, SubmissionEvent, SubmissionStatus
from summaries.services.claims import erase

logger = logging.getLogger("summaries.erasure")

BY_THE_PERSON = "erased at the person's request"
BY_STAFF = "erased by staff"


def erase_submission(submission_id: int, *, detail: str = BY_THE_PERSON) -> bool:
    """Erase one submission's personal data now; False if it was already erased (or never existed)."""
    with transaction.atomic():
        kept_as = Submission.objects.filter(pk=submission_id).values_list("pdf", flat=True).first()
        if erase(submission_id, detail=detail) is None:
            return False
        # The name the row gave, and the fixed name a worker mid-render would save under (pipeline.py).
        for name in {kept_as, f"summaries/{submission_id}.pdf"} - {None, ""}:
            default_storage.delete(name)
        SubmissionEvent.objects.filter(submission_id=submission_id).exclude(status=SubmissionStatus.ERASED).update(
            detail=""
        )
    logger.info("submission=%s erased", submission_id)
    return True
