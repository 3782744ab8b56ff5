"""What the person sees of their submission: the step it is at, in plain words.

The status page renders this once and its script (static/summaries/status.js) fetches it again
as JSON until the submission is done, so both always say the same thing.
"""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext

from summaries.models import Submission, SubmissionStatus

STEPS = ["received", "rendering", "sending", "sent"]
# With double opt-in (CONFIRM_EMAIL) a submission first waits for its address to be confirmed.
CONFIRMED_STEPS = ["confirm", *STEPS]
STEP_LABELS = {
    "confirm": "Confirm address",
    "received": "Received",
    "rendering": "Creating PDF",
    "sending": "Emailing",
    "sent": "Sent",
}
# Read out by screen readers after each step's label.
STATE_TEXT = {"done": "done", "current": "in progress", "todo": "to come", "failed": "failed"}

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
    # The tutorial's own words after a submit.
    "received": "Your summary is being generated and will be emailed shortly.",
    "rendering": "Your summary PDF is being created.",
    "sending": "Your summary is being emailed to you. You can already download it below.",
    "sent": "Your summary has been emailed to you. Check your inbox, or download it below.",
}
RETRYING_MESSAGE = "This is taking longer than usual: we ran into a problem and will try again shortly."
FAILED_MESSAGES = {
    "confirm": "We could not email you the confirmation link.",
    "rendering": "We could not create your summary. Please try again later.",
    "sending": "We could not email your summary, but you can download it below.",
}


def _pdf_removed_message(submission: Submission, step: str) -> str:
    """What the page says once PDF_RETENTION_DAYS have passed and the PDF is gone."""
    date = date_format(submission.pdf_removed_at, "DATE_FORMAT")
    if step == "failed":
        return gettext("We could not email your summary, and its PDF was deleted from this site on %(date)s.") % {
            "date": date
        }
    return gettext(
        "Your summary has been emailed to you. Its PDF was deleted from this site on %(date)s: "
        "the email has it attached."
    ) % {"date": date}


def steps_of(submission: Submission) -> list[str]:
    return CONFIRMED_STEPS if submission.confirmation_token else STEPS


def _failed_step(submission: Submission) -> str:
    if submission.confirmation_token and not submission.confirmed_at:
        return "confirm"
    return "sending" if submission.pdf or submission.pdf_removed_at else "rendering"


def progress(submission: Submission) -> list[dict]:
    """Each step with its state: done, current, to come, or failed."""
    step = STEP_OF_STATUS[submission.status]
    failed = step == "failed"
    names = steps_of(submission)
    reached = names.index(_failed_step(submission) if failed else step)
    steps = []
    for index, name in enumerate(names):
        if index < reached or step == "sent":
            state = "done"
        elif index == reached:
            state = "failed" if failed else "current"
        else:
            state = "todo"
        steps.append({"name": name, "label": STEP_LABELS[name], "state": state, "state_text": STATE_TEXT[state]})
    return steps


def status_payload(submission: Submission) -> dict:
    step = STEP_OF_STATUS[submission.status]
    retrying = bool(submission.last_error) and step not in ("sent", "failed")
    if submission.pdf_removed_at:
        message = _pdf_removed_message(submission, step)
    elif step == "failed":
        message = FAILED_MESSAGES[_failed_step(submission)]
    else:
        message = RETRYING_MESSAGE if retrying else MESSAGES[step]
    return {
        "status": step,
        "steps": steps_of(submission),
        "progress": progress(submission),
        "message": message,
        "retrying": retrying,
        "reason": submission.last_error if step == "failed" else "",
        "pdf_url": reverse("summaries:pdf", args=[submission.token]) if submission.pdf else None,
        "pdf_removed_at": submission.pdf_removed_at.isoformat() if submission.pdf_removed_at else None,
        "done": step in ("sent", "failed"),
    }
