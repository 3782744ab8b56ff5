"""A submit's broker message goes out once the response is sent, never before the commit."""

import io
import urllib.parse
from pathlib import Path

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

from summaries.models import Submission
from summaries.services.intake import accept_submission
from summaries.tests.factories import ANSWERS

CSRF_SECRET = "a" * 32


def _queued_messages() -> int:
    folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
    return len(list(folder.glob("*.msg")))


def _post_through_wsgi(answers: dict):
    body = urllib.parse.urlencode({**answers, "csrfmiddlewaretoken": CSRF_SECRET}).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_COOKIE": f"csrftoken={CSRF_SECRET}",
    }
    statuses = []
    response = WSGIHandler()(environ, lambda status, headers: statuses.append(status))
    return statuses[0], response


@pytest.mark.django_db(transaction=True)
def test_the_message_is_published_when_the_server_closes_the_response():
    before = _queued_messages()
    status, response = _post_through_wsgi(ANSWERS)
    assert status.startswith("302")
    assert Submission.objects.filter(email=ANSWERS["email"]).exists()
    assert _queued_messages() == before  # the client has its answer; the publish is still to come

    response.close()  # what the WSGI server does once the response is sent
    assert _queued_messages() == before + 1


@pytest.mark.django_db(transaction=True)
def test_outside_a_request_the_message_is_published_at_commit():
    before = _queued_messages()
    accept_submission(dict(ANSWERS))
    assert _queued_messages() == before + 1
