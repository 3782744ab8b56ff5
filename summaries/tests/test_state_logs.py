"""One log line per state change, naming the submission and the Celery task, never the person."""

import logging
import re

import pytest

from summaries.models import Submission
from summaries.security.redaction import redact_addresses
from summaries.services.intake import accept_submission
from summaries.tasks import process_submission
from summaries.tests.factories import ANSWERS

pytestmark = pytest.mark.django_db

PRIVATE_ANSWERS = {
    **ANSWERS,
    "email": "zoe.private@example.com",
    "name": "Zoë Secretname",
    "about": "Something personal.",
    "hobby": "Birdwatching",
}


@pytest.fixture
def state_lines(caplog):
    caplog.set_level(logging.INFO, logger="summaries.state")
    return lambda: [r.getMessage() for r in caplog.records if r.name == "summaries.state"]


def test_each_state_change_logs_the_submission_and_its_task(settings, state_lines):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    submission = accept_submission(dict(PRIVATE_ANSWERS))

    process_submission.apply(args=(submission.pk,), task_id="task-0001")

    lines = state_lines()
    assert [re.match(r"submission=\d+ task=\S+ status=\w+", line).group(0) for line in lines] == [
        f"submission={submission.pk} task=task-0001 status=rendering",
        f"submission={submission.pk} task=task-0001 status=rendered",
        f"submission={submission.pk} task=task-0001 status=sending",
        f"submission={submission.pk} task=task-0001 status=sent",
    ]
    assert Submission.objects.get().status == "sent"


def test_no_answer_of_the_person_reaches_the_log(settings, state_lines):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    submission = accept_submission(dict(PRIVATE_ANSWERS))
    process_submission.apply(args=(submission.pk,), task_id="task-0002")

    logged = "\n".join(state_lines())
    assert logged, "the state changes are logged: the check below is not made on an empty log"
    for answer in ("zoe.private", "Secretname", "Birdwatching", "personal"):
        assert answer not in logged


def test_a_mail_server_quoting_the_address_is_logged_without_it():
    answer = "The mail server refused the address: 550 5.1.1 <zoe.private@example.com>: No such user"

    assert redact_addresses(answer) == "The mail server refused the address: 550 5.1.1 <<address>>: No such user"
