"""Rotating SECRET_KEY: with the old key in SECRET_KEY_FALLBACKS, nothing already handed out stops working.

The links emailed to people (status pages, confirmation) are random tokens looked up in the
database, not signatures, so they survive any key; what the key signs is the staff sessions,
which the fallback keeps valid until the old key is dropped.
"""

import pytest
from django.contrib.auth.models import User

from summaries.models import SubmissionStatus
from summaries.tests.factories import make_submission
from summaries.tests.staff_login import log_in_with_two_factors

pytestmark = pytest.mark.django_db

OLD_KEY = "the-old-secret-key-" + "x" * 40
NEW_KEY = "the-new-secret-key-" + "y" * 40
ADMIN_PAGE = "/admin/summaries/submission/"


@pytest.fixture
def signed_under_the_old_key(client, settings):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD_KEY, []
    submission = make_submission(status=SubmissionStatus.UNCONFIRMED, confirmation_token="emailed-link")
    log_in_with_two_factors(client, User.objects.create(username="operator", is_staff=True, is_superuser=True))
    assert client.get(ADMIN_PAGE).status_code == 200
    return submission


def test_with_the_old_key_as_a_fallback_links_and_staff_sessions_keep_working(
    client, settings, signed_under_the_old_key
):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    token = signed_under_the_old_key.token

    assert client.get(f"/s/{token}/").status_code == 200
    assert client.get(f"/s/{token}/status.json").json()["status"] == "confirm"
    assert client.get("/confirm/emailed-link/").status_code == 200
    assert client.get(ADMIN_PAGE).status_code == 200


def test_once_the_old_key_is_dropped_staff_log_in_again_and_links_still_work(
    client, settings, signed_under_the_old_key
):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, []

    assert client.get(f"/s/{signed_under_the_old_key.token}/").status_code == 200
    assert client.get("/confirm/emailed-link/").status_code == 200
    response = client.get(ADMIN_PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
