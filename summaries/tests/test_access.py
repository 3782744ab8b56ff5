"""A summary is reachable only through its unguessable token; the admin only with a staff login."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from summaries.models import Submission
from summaries.tests.staff_login import log_in_with_two_factors

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendered_submission(answers) -> Submission:
    submission = Submission.objects.create(**answers)
    submission.pdf.save(f"summaries/{submission.pk}.pdf", ContentFile(b"%PDF-1.7 secret"), save=True)
    return submission


def test_the_token_is_long_random_and_unrelated_to_the_id(answers):
    tokens = {Submission.objects.create(**answers).token for _ in range(20)}
    assert len(tokens) == 20
    assert all(len(token) >= 32 for token in tokens)
    assert not any(token.isdigit() for token in tokens)


def test_the_status_page_and_pdf_answer_to_the_token(client, rendered_submission):
    token = rendered_submission.token
    assert client.get(f"/s/{token}/").status_code == 200
    assert client.get(f"/s/{token}/summary.pdf").status_code == 200


@pytest.mark.parametrize("suffix", ["", "status.json", "summary.pdf"])
def test_ids_and_guesses_find_nothing(client, rendered_submission, suffix):
    token = rendered_submission.token
    for guess in [str(rendered_submission.pk), "1", "0", token[:-1], token + "x", token.upper(), "../admin"]:
        if guess == token:
            continue
        assert client.get(f"/s/{guess}/{suffix}").status_code == 404, guess


def test_no_page_lists_submissions_to_the_public(client, rendered_submission):
    for path in ["/s/", "/summaries/", "/dev/outbox/"]:
        response = client.get(path)
        assert response.status_code == 404
        assert rendered_submission.token not in response.text


def test_the_admin_sends_anonymous_visitors_to_the_login_page(client, rendered_submission):
    for path in [
        "/admin/",
        "/admin/summaries/submission/",
        f"/admin/summaries/submission/{rendered_submission.pk}/change/",
    ]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), path


def test_a_logged_in_non_staff_user_cannot_see_the_admin(client, rendered_submission):
    user = get_user_model().objects.create_user("visitor", password="a-long-password-1")
    client.force_login(user)
    response = client.get("/admin/summaries/submission/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert rendered_submission.email not in client.get("/admin/summaries/submission/", follow=True).text


def test_a_staff_user_with_the_permission_sees_submissions(client, rendered_submission):
    admin = get_user_model().objects.create_superuser("boss", password="a-long-password-2")
    log_in_with_two_factors(client, admin)
    response = client.get("/admin/summaries/submission/")
    assert response.status_code == 200
    assert rendered_submission.email in response.text
