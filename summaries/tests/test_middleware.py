import pytest
from django.db import OperationalError
from django.urls import reverse

from summaries.models import Submission
from summaries.tests.factories import ANSWERS

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_database_that_cannot_be_reached_gives_a_clear_503(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(Submission.objects, "create", unreachable)
    response = client.post(reverse("summaries:form"), ANSWERS)
    assert response.status_code == 503
    assert "Nothing was saved" in response.text
    assert response["Retry-After"] == "30"
