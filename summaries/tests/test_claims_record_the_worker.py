"""Every state change names the Celery worker that made it, so shares and take-overs are visible."""

from celery.utils.nodenames import gethostname

from summaries.models import Submission, SubmissionEvent
from summaries.services.claims import record_event
from summaries.services.intake import accept_submission
from summaries.tasks import process_submission

ANSWERS = {
    "email": "ada@example.com",
    "name": "Ada Lovelace",
    "about": "Engines.",
    "hobby": "Mathematics",
    "color": "Purple",
    "saying": "",
    "dream_job": "",
}


def test_each_step_a_worker_takes_records_its_node_name(db):
    submission = accept_submission(ANSWERS)

    # apply() runs the task as a worker would, with the request naming this machine as the node.
    process_submission.apply((submission.pk,))

    events = list(Submission.objects.get(pk=submission.pk).events.values_list("status", "worker"))
    # The row's created_at says when it was received; its history starts with the worker.
    assert events == [
        ("rendering", gethostname()),
        ("rendered", gethostname()),
        ("sending", gethostname()),
        ("sent", gethostname()),
    ]


def test_a_change_made_outside_a_worker_records_no_worker(db):
    submission = Submission.objects.create(**ANSWERS)

    record_event(submission.pk, status="received", detail="from the admin")

    assert SubmissionEvent.objects.get(submission=submission).worker == ""
