"""What the person sees of their submission: the step it is at, in plain words."""

from django.urls import reverse

from summaries.models import Submission, SubmissionStatus

STEPS = ["received", "rendering", "sending", "sent"]
# With double opt-in (CONFIRM_EMAIL) a submission first waits for its address to be confirmed.
CONFIRMED_STEPS = ["confirm", *STEPS]

# A row waiting between steps shows as the step it waits for.
STEP_OF_STATUS = {
    SubmissionStatus.CONFIRM_QUEUED: "confirm",
    SubmissionStatus.CONFIRM_SENDING: "confirm",
    SubmissionStatus.UNCONFIRMED: "confirm",
    SubmissionStatus.RECEIVED: "received",
    SubmissionStatus.RENDERING: "rendering",
    SubmissionStatus.RENDERED: "sending",
    SubmissionStatus.SENDING: "sending",
    SubmissionStatus.SENT: "sent",
    SubmissionStatus.FAILED: "failed",
}

MESSAGES = {
    "confirm": "We have emailed a confirmation link to the address you gave. "
    "The summary is made and sent once the link is opened.",
    "received": "We have your answers and will start on your summary in a moment.",
    "rendering": "Your summary PDF is being created.",
    "sending": "Your summary is being emailed to you.",
    "sent": "Your summary has been emailed to you.",
    "failed": "We could not email your summary.",
}


def status_payload(submission: Submission) -> dict:
    step = STEP_OF_STATUS[submission.status]
    payload = {
        "status": step,
        "steps": CONFIRMED_STEPS if submission.confirmation_token else STEPS,
        "message": MESSAGES[step],
        "retrying": bool(submission.last_error) and step not in ("sent", "failed"),
        "reason": submission.last_error if step == "failed" else "",
        "pdf_url": reverse("summaries:pdf", args=[submission.token]) if submission.pdf else None,
        "done": step in ("sent", "failed"),
    }
    return payload
