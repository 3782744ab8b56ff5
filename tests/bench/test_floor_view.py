"""The benchmark's bare submit view: the same row as the product's, served only by the bench's URLconf."""

import pytest
from django.test import override_settings
from django.urls import Resolver404, resolve

from summaries.models import Submission, SubmissionEvent
from summaries.tests.factories import ANSWERS


def test_the_product_urls_have_no_bare_view():
    with pytest.raises(Resolver404):
        resolve("/floor/")


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="bench.floor.urls")
def test_the_bare_view_inserts_the_row_and_redirects_to_its_status_page(client):
    response = client.post("/floor/", ANSWERS)
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/s/{submission.token}/"
    assert {field: getattr(submission, field) for field in ANSWERS} == ANSWERS
    # The floor skips what the product adds: the event row.
    assert not SubmissionEvent.objects.exists()
