"""What the person sees of their submission: the step it is at, in plain words.

The status page renders this once and its script (static/summaries/status.js) fetches it again
as JSON until the submission is done, so both always say the same thing.
"""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from summaries.i18n.failure_reasons import reason_for_person
from summaries.models import Submission, SubmissionStatus

STEPS = ["received", "rendering", "sending", "sent"]
# With double opt-in (CONFIRM_EMAIL) a submission first waits for its address to be confirmed.
CONFIRMED_STEPS = ["confirm", *STEPS]
STEP_LABELS = {
    "confirm": _("Confirm address"),
    "received": _("Received"),
    "rendering": _("Creating PDF"),
    "sending": _("Emailing"),
    "sent": _("Sent"),
}
# Read out by screen readers after each step's label.
STATE_TEXT = {
    "done": _("done"),
    "current": _("in progress"),
    "todo": _("to come"),
    "failed": _("failed"),
}

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
    SubmissionStatus.SUPPRESSED: "closed",
    SubmissionStatus.BOUNCED: "bounced",
    SubmissionStatus.ERASED: "erased",
}
# Ends of their own: the address is suppressed (services/suppression.py) or the email came back
# (services/bounces.py). The first says no more than "closed", so the page cannot be used to
# learn which addresses asked never to be emailed.
FINAL_STEPS = ("sent", "failed", "closed", "bounced")
CLOSED_MESSAGE = _("This request is closed: no email will be sent for it.")
BOUNCED_MESSAGE = _("Your summary was sent, but the receiving mail server returned it.")

MESSAGES = {
    "confirm": _(
        "We have emailed a confirmation link to the address you gave. "
        "The summary is made and sent once the link is opened."
    ),
    # The tutorial's own words after a submit.
    "received": _("Your summary is being generated and will be emailed shortly."),
    "rendering": _("Your summary PDF is being created."),
    "sending": _("Your summary is being emailed to you. You can already download it below."),
    "sent": _("Your summary has been emailed to you. Check your inbox, or download it below."),
}
RETRYING_MESSAGE = _("This is taking longer than usual: we ran into a problem and will try again shortly.")
FAILED_MESSAGES = {
    "confirm": _("We could not email you the confirmation link."),
    "rendering": _("We could not create your summary. Please try again later."),
    "sending": _("We could not email your summary, but you can download it below."),
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
    names = steps_of(submission)
    if step == "closed":
        # Only the first step is done, and nothing is current: there is nothing more to come.
        return [_step(name, "done" if index == 0 else "todo") for index, name in enumerate(names)]
    if step == "bounced":
        # The confirmation email or the summary came back: the step that sent it failed.
        unconfirmed = submission.confirmation_token and not submission.confirmed_at
        step, failed, reached = "failed", True, names.index("confirm" if unconfirmed else "sent")
    else:
        failed = step == "failed"
        reached = names.index(_failed_step(submission) if failed else step)
    steps = []
    for index, name in enumerate(names):
        if index < reached or step == "sent":
            state = "done"
        elif index == reached:
            state = "failed" if failed else "current"
        else:
            state = "todo"
        steps.append(_step(name, state))
    return steps


def _step(name: str, state: str) -> dict:
    return {"name": name, "label": str(STEP_LABELS[name]), "state": state, "state_text": str(STATE_TEXT[state])}


ERASED_MESSAGE = _("Your answers and PDF have been deleted, as you asked. Nothing more will be sent.")


def erased_payload() -> dict:
    """An erased submission: no steps, nothing to download, nothing to wait for."""
    return {
        "status": "erased",
        "steps": [],
        "progress": [],
        "message": ERASED_MESSAGE,
        "retrying": False,
        "reason": "",
        "pdf_url": None,
        "done": True,
    }


def status_payload(submission: Submission) -> dict:
    step = STEP_OF_STATUS[submission.status]
    if step == "erased":
        return erased_payload()
    retrying = bool(submission.last_error) and step not in FINAL_STEPS
    if submission.pdf_removed_at:
        message = _pdf_removed_message(submission, step)
    elif step == "failed":
        message = FAILED_MESSAGES[_failed_step(submission)]
    elif step == "closed":
        message = CLOSED_MESSAGE
    elif step == "bounced":
        message = BOUNCED_MESSAGE
    else:
        message = RETRYING_MESSAGE if retrying else MESSAGES[step]
    return {
        "status": step,
        "steps": steps_of(submission),
        "progress": progress(submission),
        "message": str(message),
        "retrying": retrying,
        # The stored reason is the operators' record, in English; the person reads it in their language.
        "reason": reason_for_person(submission.last_error) if step in ("failed", "bounced") else "",
        "pdf_url": reverse("summaries:pdf", args=[submission.token]) if submission.pdf else None,
        "pdf_removed_at": submission.pdf_removed_at.isoformat() if submission.pdf_removed_at else None,
        "done": step in FINAL_STEPS,
    }
