"""Malformed and oversize requests: a clear 400 or 413 page, never a 500, nothing written."""

from urllib.parse import urlencode

import pytest
from django.test import Client

from summaries.models import Submission

pytestmark = pytest.mark.django_db


def test_a_body_declared_over_the_limit_gets_a_413_page_without_being_read(client, settings, answers):
    body = "&".join(f"{k}={v}" for k, v in answers.items()) + "&about=" + "x" * settings.MAX_REQUEST_BODY_BYTES
    response = client.post("/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "Nothing was saved" in response.text
    assert not Submission.objects.exists()


def test_a_file_upload_over_the_limit_gets_a_413_page(client, settings, answers, tmp_path):
    upload = tmp_path / "big.bin"
    upload.write_bytes(b"\0" * (settings.MAX_REQUEST_BODY_BYTES + 1))
    with upload.open("rb") as handle:
        response = client.post("/", {**answers, "attachment": handle})
    assert response.status_code == 413
    assert not Submission.objects.exists()


def test_a_body_longer_than_its_content_length_says_is_cut_at_the_limit_and_refused(settings, answers):
    from io import BytesIO

    from django.test.client import RequestFactory

    from summaries.security.body_limit import RequestBodyLimitMiddleware

    body = b"about=" + b"x" * (settings.MAX_REQUEST_BODY_BYTES + 10)
    request = RequestFactory().post("/", body, content_type="application/x-www-form-urlencoded")
    # A chunked upload behind some servers: no Content-Length, the stream longer than the limit.
    del request.META["CONTENT_LENGTH"]
    request._stream = BytesIO(body)
    response = RequestBodyLimitMiddleware(lambda r: pytest.fail("the view must not run"))(request)
    assert response.status_code == 413


def test_too_many_fields_get_the_400_page(client, answers):
    body = "&".join(f"{k}={v}" for k, v in answers.items()) + "".join(f"&f{i}=1" for i in range(200))
    response = client.post("/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "We could not read that request" in response.text
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("multipart/form-data; boundary=xyz", b"--xyz\r\nContent-Disposition: form-data\r\n\r\nbroken"),
        ("multipart/form-data", b"no boundary at all"),
        ("application/x-www-form-urlencoded", b"email=%ZZ%&name=\xff\xfe&&&=="),
        ("application/json", b'{"email": "ada@example.com"}'),
        ("application/x-www-form-urlencoded; charset=utf-99", b"email=a"),
    ],
)
def test_malformed_bodies_never_cause_a_server_error(client, content_type, body):
    response = client.generic("POST", "/", body, content_type=content_type)
    assert response.status_code in (400, 413)
    assert not Submission.objects.exists()


def test_a_post_without_a_csrf_token_gets_a_clear_403_page(answers):
    response = Client(enforce_csrf_checks=True).post("/", answers)
    assert response.status_code == 403
    assert "This form has expired" in response.text
    assert not Submission.objects.exists()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_refused(client, method):
    assert getattr(client, method)("/").status_code == 405


def test_the_largest_honest_form_fits_well_within_the_body_limit(client, settings, answers):
    """Every field full of 4-byte characters, percent-encoded: still accepted, not a 413."""
    longest = {"name": 100, "about": 2000, "hobby": 100, "saying": 200, "dream_job": 100}
    full = {**answers, **{field: "\U0001d49c" * limit for field, limit in longest.items()}}
    body = urlencode(full).encode()
    assert len(body) < settings.MAX_REQUEST_BODY_BYTES * 0.6
    response = client.post("/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    assert Submission.objects.get().about == "\U0001d49c" * 2000
